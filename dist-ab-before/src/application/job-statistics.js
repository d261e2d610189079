/** The window of "recent" statistics, in hours. */
export const RECENT_WINDOW_HOURS = 24;
/** Statistics of `ownerId`'s jobs, computed by the store with SQL aggregates. */
export function jobStatistics(deps, ownerId) {
    const since = new Date(deps.clock.now().getTime() - RECENT_WINDOW_HOURS * 3_600_000);
    return deps.jobs.statsForOwner(ownerId, since).map((s) => ({
        counts: s.counts,
        total: s.total,
        completedLast24h: s.completedSince,
        averageProcessingSeconds: s.averageProcessingSeconds,
        p95ProcessingSeconds: s.p95ProcessingSeconds,
        storedBytes: s.storedBytes,
    }));
}
//# sourceMappingURL=job-statistics.js.map