import type { ResultAsync } from 'neverthrow';
import type { IllegalJobTransition } from '../domain/errors.js';
import { retryJob, type Job } from '../domain/job.js';
import type { Principal } from '../domain/principal.js';
import type { Clock } from '../ports/clock.js';
import type { DatabaseUnavailable, JobNotFound, VersionConflict } from '../ports/errors.js';
import type { JobRepository } from '../ports/job-repository.js';
import type { Logger } from '../ports/logger.js';
import type { WorkSignal } from '../ports/work-signal.js';
import { findOwnedJob } from './find-owned-job.js';
import type { JobActivity } from './job-activity.js';
import { mutateJob } from './mutate-job.js';

export type RetryJobError = JobNotFound | IllegalJobTransition | VersionConflict | DatabaseUnavailable;

/**
 * Queues a failed or cancelled job of the caller again (domain `retryJob`: attempts start from
 * zero, error and cancel request cleared) and wakes a worker.
 */
export class RetryJob {
  constructor(
    private readonly deps: {
      readonly jobs: JobRepository;
      readonly activity: JobActivity;
      readonly signal: WorkSignal;
      readonly clock: Clock;
      readonly logger: Logger;
    },
  ) {}

  /**
   * @returns the queued job; `JobNotFound` (also for another user's job), `IllegalJobTransition`
   *   when the job is queued, processing or completed.
   */
  execute(input: { principal: Principal; jobId: string }): ResultAsync<Job, RetryJobError> {
    return findOwnedJob(this.deps.jobs, input.principal, input.jobId).andThen((found) =>
      mutateJob(this.deps.jobs, found.id, (j) => retryJob(j, this.deps.clock.now())).map(async (job) => {
        await this.deps.activity.record(job, 'info', 'lifecycle', 'Job queued again (retry)', {
          event: 'retried',
          previousStatus: found.status,
          by: input.principal.userId,
        });
        await this.deps.signal.notify().catch((error: unknown) => {
          this.deps.logger.warn({ err: String(error) }, 'work signal failed; workers will poll');
        });
        return job;
      }),
    );
  }
}
