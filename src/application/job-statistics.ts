import type { ResultAsync } from 'neverthrow';
import type { Clock } from '../ports/clock.js';
import type { DatabaseUnavailable } from '../ports/errors.js';
import type { JobCounts, JobRepository } from '../ports/job-repository.js';

/** The window of "recent" statistics, in hours. */
export const RECENT_WINDOW_HOURS = 24;

/** Statistics of one user's jobs (profile and dashboard). */
export interface JobStatistics {
  readonly counts: JobCounts;
  readonly total: number;
  /** Jobs completed in the last {@link RECENT_WINDOW_HOURS} hours. */
  readonly completedLast24h: number;
  /** Mean seconds from first start to finish of completed jobs; `null` without any. */
  readonly averageProcessingSeconds: number | null;
  /** 95th percentile of the same, in seconds; `null` without any. */
  readonly p95ProcessingSeconds: number | null;
  /** Bytes of the user's stored videos. */
  readonly storedBytes: number;
}

/** Statistics of `ownerId`'s jobs, computed by the store with SQL aggregates. */
export function jobStatistics(
  deps: { readonly jobs: JobRepository; readonly clock: Clock },
  ownerId: string,
): ResultAsync<JobStatistics, DatabaseUnavailable> {
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
