import { ResultAsync } from 'neverthrow';
import type { DatabaseUnavailable } from '../ports/errors.js';
import type { JobCounts, JobRepository, ThroughputStats } from '../ports/job-repository.js';
import type { RuntimeSnapshot, RuntimeStats } from '../ports/runtime-stats.js';

/** Throughput and processing times are measured over this window: the last hour, in ms. */
export const METRICS_WINDOW_MS = 60 * 60 * 1000;

/** The operations view of the service (admins only; the HTTP adapter checks the role). */
export interface SystemMetrics {
  /** Jobs by status, all owners. */
  readonly queueDepth: JobCounts;
  readonly jobs: ThroughputStats & {
    /** Jobs completed per hour and per minute over the window. */
    readonly completedPerHour: number;
    readonly completedPerMinute: number;
  };
  readonly process: RuntimeSnapshot;
}

export type GetSystemMetricsError = DatabaseUnavailable;

/**
 * Queue depth by status, processing-time percentiles and throughput over the last hour (both
 * computed by the store from the `jobs` table), and this process's resource use.
 */
export class GetSystemMetrics {
  constructor(
    private readonly deps: {
      readonly jobs: JobRepository;
      readonly runtime: RuntimeStats;
      /** Window of the throughput figures in ms (default {@link METRICS_WINDOW_MS}). */
      readonly windowMs?: number;
    },
  ) {}

  execute(): ResultAsync<SystemMetrics, GetSystemMetricsError> {
    const windowMs = this.deps.windowMs ?? METRICS_WINDOW_MS;
    return ResultAsync.combine([
      this.deps.jobs.countByStatus(),
      this.deps.jobs.throughputStats(windowMs),
    ] as const).map(([queueDepth, stats]) => {
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

const round = (n: number): number => Math.round(n * 1000) / 1000;
