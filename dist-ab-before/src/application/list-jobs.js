/** Page size when the caller gives none. */
export const DEFAULT_JOB_PAGE_SIZE = 20;
/** The caller's own jobs, filtered, one keyset page at a time. */
export class ListJobs {
    deps;
    constructor(deps) {
        this.deps = deps;
    }
    /** @returns `{ items, nextCursor }`, `InvalidCursor` for a cursor the store did not make, or `DatabaseUnavailable`. */
    execute(input) {
        return this.deps.jobs.list(toQuery(input.principal.userId, input));
    }
}
/** The repository query of `filters` for `ownerId` (`null`: every owner). */
export function toQuery(ownerId, filters) {
    return {
        ownerId,
        sort: filters.sort ?? 'desc',
        limit: filters.limit ?? DEFAULT_JOB_PAGE_SIZE,
        ...(filters.statuses !== undefined ? { statuses: filters.statuses } : {}),
        ...(filters.batchId !== undefined ? { batchId: filters.batchId } : {}),
        ...(filters.createdAfter !== undefined ? { createdAfter: filters.createdAfter } : {}),
        ...(filters.createdBefore !== undefined ? { createdBefore: filters.createdBefore } : {}),
        ...(filters.cursor !== undefined ? { cursor: filters.cursor } : {}),
    };
}
//# sourceMappingURL=list-jobs.js.map