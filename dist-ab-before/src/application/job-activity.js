import { jobStatusCacheKey } from './get-job-status.js';
/**
 * Records what happens to a job: appends a JobEvent to its persistent log and publishes a live
 * JobUpdate to its watchers. Failures here are logged, never thrown: losing a log line or a live
 * update must not fail the job (watchers re-read the job's state).
 */
export class JobActivity {
    deps;
    constructor(deps) {
        this.deps = deps;
    }
    /** Appends an event to the job's log and publishes the job's current state with `message`. */
    async record(job, level, stage, message, data = {}) {
        const at = this.deps.clock.now();
        const appended = await this.deps.events.append({
            id: this.deps.ids.next(),
            jobId: job.id,
            at,
            level,
            stage,
            message,
            data,
        });
        if (appended.isErr())
            this.deps.logger.warn({ jobId: job.id, err: appended.error.message }, 'job event not recorded');
        await this.publish(job, message);
    }
    /** Publishes the job's current state to live watchers only (and invalidates its cached status). */
    async publish(job, message) {
        if (this.deps.cache)
            await this.deps.cache.delete(jobStatusCacheKey(job.id));
        try {
            await this.deps.live.publish(toUpdate(job, this.deps.clock.now(), message));
        }
        catch (error) {
            this.deps.logger.warn({ jobId: job.id, err: String(error) }, 'job update not published');
        }
    }
}
/** The live-update view of a job. */
export function toUpdate(job, at, message) {
    return {
        jobId: job.id,
        ownerId: job.ownerId,
        status: job.status,
        progress: job.progress,
        attempts: job.attempts,
        error: job.error,
        at: at.toISOString(),
        ...(message !== undefined ? { message } : {}),
    };
}
//# sourceMappingURL=job-activity.js.map