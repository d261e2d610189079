import type { ResultAsync } from 'neverthrow';
import type { JobEventLevel } from '../domain/job-event.js';
import type { Principal } from '../domain/principal.js';
import type { DatabaseUnavailable, InvalidCursor, JobNotFound } from '../ports/errors.js';
import type { JobEventPage, JobEventRepository } from '../ports/job-event-repository.js';
import type { JobRepository } from '../ports/job-repository.js';
import { findOwnedJob } from './find-owned-job.js';

/** Page size when the caller gives none. */
export const DEFAULT_LOG_PAGE_SIZE = 100;

export type GetJobLogsError = JobNotFound | InvalidCursor | DatabaseUnavailable;

/** The log (JobEvents) of one of the caller's jobs, oldest first, one page at a time. */
export class GetJobLogs {
  constructor(private readonly deps: { readonly jobs: JobRepository; readonly events: JobEventRepository }) {}

  /**
   * @param input.limit page size 1–500 (default 100); `levels` keeps only those levels.
   * @returns `{ items, nextCursor }`; `JobNotFound` (also for another user's job); `InvalidCursor`.
   */
  execute(input: {
    principal: Principal;
    jobId: string;
    limit?: number;
    cursor?: string;
    levels?: readonly JobEventLevel[];
  }): ResultAsync<JobEventPage, GetJobLogsError> {
    return findOwnedJob(this.deps.jobs, input.principal, input.jobId).andThen((job) =>
      this.deps.events.list(job.id, {
        limit: input.limit ?? DEFAULT_LOG_PAGE_SIZE,
        ...(input.cursor !== undefined ? { cursor: input.cursor } : {}),
        ...(input.levels !== undefined ? { levels: input.levels } : {}),
      }),
    );
  }
}
