import type { ResultAsync } from 'neverthrow';
import type { Job } from '../domain/job.js';
import type { Principal } from '../domain/principal.js';
import type { DatabaseUnavailable } from '../ports/errors.js';
import type { JobRepository } from '../ports/job-repository.js';

/** How many jobs when the caller gives no number, and the most it may ask for. */
export const RECENT_JOBS = { default: 10, max: 50 } as const;

/** The caller's newest jobs (`GET /dashboard/recent-jobs`). */
export class ListRecentJobs {
  constructor(private readonly deps: { readonly jobs: JobRepository }) {}

  /** @param input.limit 1–50, default 10. @returns the jobs, newest first. */
  execute(input: { principal: Principal; limit?: number }): ResultAsync<readonly Job[], DatabaseUnavailable> {
    const limit = Math.min(RECENT_JOBS.max, Math.max(1, input.limit ?? RECENT_JOBS.default));
    return this.deps.jobs
      .list({ ownerId: input.principal.userId, sort: 'desc', limit })
      .mapErr((e) => {
        // No cursor is passed, so the store cannot refuse one: anything else is a bug.
        if (e.type === 'InvalidCursor') throw new Error('job store refused a first page');
        return e;
      })
      .map((page) => page.items);
  }
}
