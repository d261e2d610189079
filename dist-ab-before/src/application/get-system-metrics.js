import { ResultAsync } from 'neverthrow';
/** Throughput and processing times are measured over this window: the last hour, in ms. */
export const METRICS_WINDOW_MS = 60 * 60 * 1000;
/**
 * Queue depth by status, processing-time percentiles and throughput over the last hour (both
 * computed by the store from the `jobs` table), and this process's resource use.
 */
export class GetSystemMetrics {
    deps;
    constructor(deps) {
        this.deps = deps;
    }
    execute() {
        const windowMs = this.deps.windowMs ?? METRICS_WINDOW_MS;
        return ResultAsync.combine([
            this.deps.jobs.countByStatus(),
            this.deps.jobs.throughputStats(windowMs),
        ]).map(([queueDepth, stats]) => {
            const hours = windowMs / 3_600_000;
            return {
                queueDepth,
                jobs: {
                    ...stats,
                    completedPerHour: round(stats.finished.completed / hours),
                    completedPerMinute: round(stats.finished.completed / (hours * 60)),
                },
                process: this.deps.runtime.snapshot(),
            };
        });
    }
}
const round = (n) => Math.round(n * 1000) / 1000;
//# sourceMappingURL=get-system-metrics.js.map