import type { ResultAsync } from 'neverthrow';
import type { JobEvent, JobEventLevel } from '../domain/job-event.js';
import type { DatabaseUnavailable, InvalidCursor } from './errors.js';

export interface JobEventPage {
  readonly items: readonly JobEvent[];
  /** Opaque cursor of the next page, `null` at the end. */
  readonly nextCursor: string | null;
}

/** Which events of a job {@link JobEventRepository.list} returns. */
export interface JobEventPageQuery {
  /** Page size, clamped to 1–500. */
  readonly limit: number;
  /** `nextCursor` of the previous page. */
  readonly cursor?: string;
  /** Only events of these levels (absent or empty: every level). */
  readonly levels?: readonly JobEventLevel[];
}

/** The persisted log of each job (oldest first). */
export interface JobEventRepository {
  append(event: JobEvent): ResultAsync<void, DatabaseUnavailable>;
  /**
   * Events of a job, oldest first (by time, then id), one page at a time.
   * @returns the page, or `InvalidCursor` when `page.cursor` was not made by this repository.
   */
  list(
    jobId: string,
    page: JobEventPageQuery,
  ): ResultAsync<JobEventPage, InvalidCursor | DatabaseUnavailable>;
  /** Deletes every event of the job. @returns how many were deleted. */
  deleteForJob(jobId: string): ResultAsync<number, DatabaseUnavailable>;
}
