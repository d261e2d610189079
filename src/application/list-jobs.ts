import type { ResultAsync } from 'neverthrow';
import type { JobStatus } from '../domain/job.js';
import type { Principal } from '../domain/principal.js';
import type { DatabaseUnavailable, InvalidCursor } from '../ports/errors.js';
import type { JobPage, JobRepository } from '../ports/job-repository.js';

/** Page size when the caller gives none. */
export const DEFAULT_JOB_PAGE_SIZE = 20;

/** Filters, order and page of a job listing. */
export interface JobFilters {
  /** Any of these statuses (absent or empty: any). */
  readonly statuses?: readonly JobStatus[];
  readonly batchId?: string;
  /** Created at or after (inclusive). */
  readonly createdAfter?: Date;
  /** Created before (exclusive). */
  readonly createdBefore?: Date;
  /** By creation time; default `desc` (newest first). */
  readonly sort?: 'asc' | 'desc';
  /** 1–100; default 20. */
  readonly limit?: number;
  /** `nextCursor` of the previous page (same filters and sort). */
  readonly cursor?: string;
}

export type ListJobsError = InvalidCursor | DatabaseUnavailable;

/** The caller's own jobs, filtered, one keyset page at a time. */
export class ListJobs {
  constructor(private readonly deps: { readonly jobs: JobRepository }) {}

  /** @returns `{ items, nextCursor }`, `InvalidCursor` for a cursor the store did not make, or `DatabaseUnavailable`. */
  execute(input: { principal: Principal } & JobFilters): ResultAsync<JobPage, ListJobsError> {
    return this.deps.jobs.list(toQuery(input.principal.userId, input));
  }
}

/** The repository query of `filters` for `ownerId` (`null`: every owner). */
export function toQuery(ownerId: string | null, filters: JobFilters): Parameters<JobRepository['list']>[0] {
  return {
    ownerId,
    sort: filters.sort ?? 'desc',
    limit: filters.limit ?? DEFAULT_JOB_PAGE_SIZE,
    ...(filters.statuses !== undefined ? { statuses: filters.statuses } : {}),
    ...(filters.batchId !== undefined ? { batchId: filters.batchId } : {}),
    ...(filters.createdAfter !== undefined ? { createdAfter: filters.createdAfter } : {}),
    ...(filters.createdBefore !== undefined ? { createdBefore: filters.createdBefore } : {}),
    ...(filters.cursor !== undefined ? { cursor: filters.cursor } : {}),
  };
}
