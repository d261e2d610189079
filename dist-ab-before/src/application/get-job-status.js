import { okAsync, ResultAsync } from 'neverthrow';
import { owns } from '../domain/principal.js';
import { findOwnedJob } from './find-owned-job.js';
import { decodeJob, encodeJob } from './job-codec.js';
/** Cache key of a job's status view; {@link JobActivity} deletes it on every change of the job. */
export const jobStatusCacheKey = (jobId) => `job-status:${jobId}`;
/**
 * The caller's job with its queue position. Hot path (clients poll it): served from the cache
 * for up to `cacheTtlMs` (the cache entry is deleted whenever the job changes, so a stale view
 * lives at most one TTL after a race).
 */
export class GetJobStatus {
    deps;
    constructor(deps) {
        this.deps = deps;
    }
    execute(input) {
        if (this.deps.cacheTtlMs <= 0)
            return this.load(input);
        const key = jobStatusCacheKey(input.jobId);
        return ResultAsync.fromSafePromise(this.deps.cache.get(key)).andThen((cached) => {
            const view = cached === null ? null : decodeView(cached);
            if (view !== null) {
                // Another user's job: answer exactly as for a missing one (the repository decides).
                return owns(input.principal, view.job.ownerId)
                    ? okAsync(view)
                    : this.load(input);
            }
            return this.load(input).map(async (loaded) => {
                await this.deps.cache.set(key, JSON.stringify({ job: encodeJob(loaded.job), queuePosition: loaded.queuePosition }), this.deps.cacheTtlMs);
                return loaded;
            });
        });
    }
    load(input) {
        return findOwnedJob(this.deps.jobs, input.principal, input.jobId).andThen((job) => job.status === 'queued'
            ? this.deps.jobs.queuePosition(job.id).map((queuePosition) => ({ job, queuePosition }))
            : okAsync({ job, queuePosition: null }));
    }
}
function decodeView(text) {
    try {
        const raw = JSON.parse(text);
        const job = decodeJob(raw.job);
        return job === null ? null : { job, queuePosition: raw.queuePosition };
    }
    catch {
        return null;
    }
}
//# sourceMappingURL=get-job-status.js.map