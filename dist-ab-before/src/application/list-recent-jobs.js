/** How many jobs when the caller gives no number, and the most it may ask for. */
export const RECENT_JOBS = { default: 10, max: 50 };
/** The caller's newest jobs (`GET /dashboard/recent-jobs`). */
export class ListRecentJobs {
    deps;
    constructor(deps) {
        this.deps = deps;
    }
    /** @param input.limit 1–50, default 10. @returns the jobs, newest first. */
    execute(input) {
        const limit = Math.min(RECENT_JOBS.max, Math.max(1, input.limit ?? RECENT_JOBS.default));
        return this.deps.jobs
            .list({ ownerId: input.principal.userId, sort: 'desc', limit })
            .mapErr((e) => {
            // No cursor is passed, so the store cannot refuse one: anything else is a bug.
            if (e.type === 'InvalidCursor')
                throw new Error('job store refused a first page');
            return e;
        })
            .map((page) => page.items);
    }
}
//# sourceMappingURL=list-recent-jobs.js.map