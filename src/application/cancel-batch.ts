import { err, ok, ResultAsync, type Result } from 'neverthrow';
import type { Batch, BatchNotFound } from '../domain/batch.js';
import { isTerminal, requestCancel } from '../domain/job.js';
import type { Principal } from '../domain/principal.js';
import type { BatchRepository } from '../ports/batch-repository.js';
import type { Clock } from '../ports/clock.js';
import type { DatabaseUnavailable, VersionConflict } from '../ports/errors.js';
import type { JobRepository } from '../ports/job-repository.js';
import { findOwnedBatch, viewBatch, type BatchView } from './find-owned-batch.js';
import type { JobActivity } from './job-activity.js';
import { mutateJob } from './mutate-job.js';

export type CancelBatchError = BatchNotFound | DatabaseUnavailable | VersionConflict;

/**
 * Asks every job of the caller's batch that has not ended to cancel: a queued job is cancelled at
 * once, a processing one when its worker next checks (DESIGN §3). Jobs that already ended, or were
 * deleted, are left as they are. Asking twice is harmless.
 */
export class CancelBatch {
  constructor(
    private readonly deps: {
      readonly batches: BatchRepository;
      readonly jobs: JobRepository;
      readonly activity: JobActivity;
      readonly clock: Clock;
    },
  ) {}

  /**
   * @returns the batch view after the requests, `BatchNotFound` (also for another user's batch),
   *   `DatabaseUnavailable`, or `VersionConflict` when a job kept changing under the request.
   */
  execute(input: { principal: Principal; batchId: string }): ResultAsync<BatchView, CancelBatchError> {
    return findOwnedBatch(this.deps.batches, input.principal, input.batchId)
      .andThen((batch) => new ResultAsync(this.cancelJobs(batch)).map(() => batch))
      .andThen((batch) => viewBatch(this.deps.batches, batch));
  }

  private async cancelJobs(batch: Batch): Promise<Result<void, DatabaseUnavailable | VersionConflict>> {
    for (const jobId of batch.jobIds) {
      let requested = false;
      const changed = await mutateJob(this.deps.jobs, jobId, (job) => {
        requested = false;
        if (isTerminal(job.status) || job.cancelRequestedAt !== null) return ok(job);
        requested = true;
        return requestCancel(job, this.deps.clock.now());
      });
      if (changed.isErr()) {
        const e = changed.error;
        // Deleted since, or ended between the read and the transition: nothing to cancel.
        if (e.type === 'JobNotFound' || e.type === 'IllegalJobTransition') continue;
        return err(e);
      }
      if (!requested) continue;
      const job = changed.value;
      await this.deps.activity.record(
        job,
        'info',
        'lifecycle',
        job.status === 'cancelled' ? 'Job cancelled' : 'Cancel requested',
        { batchId: batch.id },
      );
    }
    return ok(undefined);
  }
}
