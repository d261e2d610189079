import { jobStatistics, RECENT_WINDOW_HOURS } from './job-statistics.js';
/** Figures for a front end's dashboard (`GET /dashboard/stats`): the caller's jobs only. */
export class GetDashboardStats {
    deps;
    constructor(deps) {
        this.deps = deps;
    }
    execute(input) {
        return jobStatistics(this.deps, input.principal.userId).map((s) => {
            const ended = s.counts.completed + s.counts.failed;
            return {
                ...s,
                successRate: ended === 0 ? null : s.counts.completed / ended,
                active: s.counts.queued + s.counts.processing,
                windowHours: RECENT_WINDOW_HOURS,
            };
        });
    }
}
//# sourceMappingURL=get-dashboard-stats.js.map