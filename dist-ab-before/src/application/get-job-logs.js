import { findOwnedJob } from './find-owned-job.js';
/** Page size when the caller gives none. */
export const DEFAULT_LOG_PAGE_SIZE = 100;
/** The log (JobEvents) of one of the caller's jobs, oldest first, one page at a time. */
export class GetJobLogs {
    deps;
    constructor(deps) {
        this.deps = deps;
    }
    /**
     * @param input.limit page size 1–500 (default 100); `levels` keeps only those levels.
     * @returns `{ items, nextCursor }`; `JobNotFound` (also for another user's job); `InvalidCursor`.
     */
    execute(input) {
        return findOwnedJob(this.deps.jobs, input.principal, input.jobId).andThen((job) => this.deps.events.list(job.id, {
            limit: input.limit ?? DEFAULT_LOG_PAGE_SIZE,
            ...(input.cursor !== undefined ? { cursor: input.cursor } : {}),
            ...(input.levels !== undefined ? { levels: input.levels } : {}),
        }));
    }
}
//# sourceMappingURL=get-job-logs.js.map