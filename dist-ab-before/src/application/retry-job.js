import { retryJob } from '../domain/job.js';
import { findOwnedJob } from './find-owned-job.js';
import { mutateJob } from './mutate-job.js';
/**
 * Queues a failed or cancelled job of the caller again (domain `retryJob`: attempts start from
 * zero, error and cancel request cleared) and wakes a worker.
 */
export class RetryJob {
    deps;
    constructor(deps) {
        this.deps = deps;
    }
    /**
     * @returns the queued job; `JobNotFound` (also for another user's job), `IllegalJobTransition`
     *   when the job is queued, processing or completed.
     */
    execute(input) {
        return findOwnedJob(this.deps.jobs, input.principal, input.jobId).andThen((found) => mutateJob(this.deps.jobs, found.id, (j) => retryJob(j, this.deps.clock.now())).map(async (job) => {
            await this.deps.activity.record(job, 'info', 'lifecycle', 'Job queued again (retry)', {
                event: 'retried',
                previousStatus: found.status,
                by: input.principal.userId,
            });
            await this.deps.signal.notify().catch((error) => {
                this.deps.logger.warn({ err: String(error) }, 'work signal failed; workers will poll');
            });
            return job;
        }));
    }
}
//# sourceMappingURL=retry-job.js.map