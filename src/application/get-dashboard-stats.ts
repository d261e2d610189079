import type { ResultAsync } from 'neverthrow';
import type { Principal } from '../domain/principal.js';
import type { Clock } from '../ports/clock.js';
import type { DatabaseUnavailable } from '../ports/errors.js';
import type { JobRepository } from '../ports/job-repository.js';
import { jobStatistics, RECENT_WINDOW_HOURS, type JobStatistics } from './job-statistics.js';

export interface DashboardStats extends JobStatistics {
  /** Completed / (completed + failed), 0–1; `null` before any job finished either way. */
  readonly successRate: number | null;
  /** Jobs queued or processing. */
  readonly active: number;
  /** Hours covered by the `...Last24h` figures. */
  readonly windowHours: number;
}

/** Figures for a front end's dashboard (`GET /dashboard/stats`): the caller's jobs only. */
export class GetDashboardStats {
  constructor(private readonly deps: { readonly jobs: JobRepository; readonly clock: Clock }) {}

  execute(input: { principal: Principal }): ResultAsync<DashboardStats, DatabaseUnavailable> {
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
