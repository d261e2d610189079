import type { ResultAsync } from 'neverthrow';
import type { Job, JobStatus } from '../domain/job.js';
import type { DatabaseUnavailable, JobNotFound, VersionConflict } from './errors.js';

/** Result of a heartbeat: whether a client asked to cancel the job meanwhile. */
export interface LeaseRenewal {
  readonly cancelRequested: boolean;
  /** New lease expiry. */
  readonly expiresAt: Date;
}

/** Counts of jobs by status. */
export type JobCounts = Record<JobStatus, number>;

/**
 * Durable store of jobs, and the queue built on it (DESIGN §6). The store is the source of
 * truth; every write is conditional so that concurrent workers and API processes never
 * overwrite each other.
 */
export interface JobRepository {
  /** Stores a new job. */
  insert(job: Job): ResultAsync<Job, DatabaseUnavailable>;

  /** The job with this id, any owner. */
  findById(jobId: string): ResultAsync<Job, JobNotFound | DatabaseUnavailable>;

  /**
   * Replaces the stored job with `job` when the stored version is `job.version - 1`
   * (optimistic concurrency: transitions increment the version).
   * @returns the stored job, or `VersionConflict` when another writer got there first.
   */
  update(job: Job): ResultAsync<Job, JobNotFound | VersionConflict | DatabaseUnavailable>;

  /**
   * Claims up to `limit` runnable jobs (queued, `runAt` reached) for `workerId` in one atomic
   * step: highest priority first, then oldest `runAt`, then oldest `createdAt`. Each claimed job
   * is `processing` with its attempt counter incremented and a lease of `leaseMs` milliseconds
   * measured on the store's clock. Two claimers never receive the same job.
   */
  claim(workerId: string, leaseMs: number, limit: number): ResultAsync<Job[], DatabaseUnavailable>;

  /**
   * Extends the lease of `attempt` of a processing job by `leaseMs` from the store's now.
   * @returns the new lease, or `null` when the attempt no longer holds the job (lease lost).
   */
  renewLease(
    jobId: string,
    attempt: number,
    leaseMs: number,
  ): ResultAsync<LeaseRenewal | null, DatabaseUnavailable>;

  /**
   * Returns every processing job whose lease expired to `queued` (attempt counted, error
   * `LEASE_EXPIRED`), or to `failed` when its attempts are used up.
   * @returns the jobs changed.
   */
  recoverExpiredLeases(): ResultAsync<Job[], DatabaseUnavailable>;

  /**
   * 1-based position of a queued job among runnable queued jobs in claim order,
   * or `null` when the job is not queued.
   */
  queuePosition(jobId: string): ResultAsync<number | null, DatabaseUnavailable>;

  /** Number of jobs in each status (all owners). */
  countByStatus(): ResultAsync<JobCounts, DatabaseUnavailable>;

  /** Checks that the store answers. */
  ping(): ResultAsync<void, DatabaseUnavailable>;
}
