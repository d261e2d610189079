import { err, ok, ResultAsync } from 'neverthrow';
import { isTerminal, requestCancel } from '../domain/job.js';
import { findOwnedBatch, viewBatch } from './find-owned-batch.js';
import { mutateJob } from './mutate-job.js';
/**
 * Asks every job of the caller's batch that has not ended to cancel: a queued job is cancelled at
 * once, a processing one when its worker next checks (DESIGN §3). Jobs that already ended, or were
 * deleted, are left as they are. Asking twice is harmless.
 */
export class CancelBatch {
    deps;
    constructor(deps) {
        this.deps = deps;
    }
    /**
     * @returns the batch view after the requests, `BatchNotFound` (also for another user's batch),
     *   `DatabaseUnavailable`, or `VersionConflict` when a job kept changing under the request.
     */
    execute(input) {
        return findOwnedBatch(this.deps.batches, input.principal, input.batchId)
            .andThen((batch) => new ResultAsync(this.cancelJobs(batch)).map(() => batch))
            .andThen((batch) => viewBatch(this.deps.batches, batch));
    }
    async cancelJobs(batch) {
        for (const jobId of batch.jobIds) {
            let requested = false;
            const changed = await mutateJob(this.deps.jobs, jobId, (job) => {
                requested = false;
                if (isTerminal(job.status) || job.cancelRequestedAt !== null)
                    return ok(job);
                requested = true;
                return requestCancel(job, this.deps.clock.now());
            });
            if (changed.isErr()) {
                const e = changed.error;
                // Deleted since, or ended between the read and the transition: nothing to cancel.
                if (e.type === 'JobNotFound' || e.type === 'IllegalJobTransition')
                    continue;
                return err(e);
            }
            if (!requested)
                continue;
            const job = changed.value;
            await this.deps.activity.record(job, 'info', 'lifecycle', job.status === 'cancelled' ? 'Job cancelled' : 'Cancel requested', { batchId: batch.id });
        }
        return ok(undefined);
    }
}
//# sourceMappingURL=cancel-batch.js.map