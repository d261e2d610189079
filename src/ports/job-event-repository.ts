import type { ResultAsync } from 'neverthrow';
import type { JobEvent } from '../domain/job-event.js';
import type { DatabaseUnavailable } from './errors.js';

export interface JobEventPage {
  readonly items: readonly JobEvent[];
  /** Opaque cursor of the next page, `null` at the end. */
  readonly nextCursor: string | null;
}

/** The persisted log of each job (oldest first). */
export interface JobEventRepository {
  append(event: JobEvent): ResultAsync<void, DatabaseUnavailable>;
  /** Events of a job, oldest first, `limit` per page (1–500). */
  list(
    jobId: string,
    page: { limit: number; cursor?: string },
  ): ResultAsync<JobEventPage, DatabaseUnavailable>;
}
