import type { ResultAsync } from 'neverthrow';
import type { JobEvent } from '../domain/job-event.js';
import type { Job, JobStatus } from '../domain/job.js';
import type { VideoAsset } from '../domain/video-asset.js';
import type { DatabaseUnavailable, InvalidCursor, JobNotFound, VersionConflict } from './errors.js';

/** Result of a heartbeat: whether a client asked to cancel the job meanwhile. */
export interface LeaseRenewal {
  readonly cancelRequested: boolean;
  /** New lease expiry. */
  readonly expiresAt: Date;
}

/** One successful attempt to record with {@link JobRepository.completeMany}. */
export interface JobCompletion {
  readonly jobId: string;
  /** The attempt that finished: `Job.attempts` as claimed (the lease token). */
  readonly attempt: number;
  /** The stored files of the attempt. */
  readonly result: VideoAsset;
}

/**
 * What {@link JobRepository.completeMany} did with one {@link JobCompletion} (the domain's
 * `finishAttempt` rule): `completed`; `cancelled` when a client asked to cancel meanwhile (the
 * cancel wins and the result is not stored: the caller deletes its files); `lease-lost` when the
 * attempt no longer holds the job (its lease expired and it was recovered or claimed again, it
 * ended otherwise, or it was deleted): nothing was written.
 */
export interface JobCompletionOutcome {
  readonly jobId: string;
  readonly attempt: number;
  readonly outcome: 'completed' | 'cancelled' | 'lease-lost';
}

/** Counts of jobs by status. */
export type JobCounts = Record<JobStatus, number>;

/** Largest page {@link JobRepository.list} returns. */
export const JOB_LIST_MAX_LIMIT = 100;

/** What {@link JobRepository.list} selects, in which order, one page at a time. */
export interface JobListQuery {
  /** Only this owner's jobs; `null` lists every owner's jobs (admin views). */
  readonly ownerId: string | null;
  /** Only jobs in one of these statuses (absent or empty: any status). */
  readonly statuses?: readonly JobStatus[];
  readonly batchId?: string;
  /** Only jobs created at or after this time (inclusive). */
  readonly createdAfter?: Date;
  /** Only jobs created before this time (exclusive). */
  readonly createdBefore?: Date;
  /** Order by `createdAt` (then id): `desc` newest first. */
  readonly sort: 'asc' | 'desc';
  /** Page size, clamped to 1–{@link JOB_LIST_MAX_LIMIT}. */
  readonly limit: number;
  /** `nextCursor` of the previous page, made with the same `sort`. */
  readonly cursor?: string;
}

export interface JobPage {
  readonly items: readonly Job[];
  /** Opaque cursor of the next page (keyset on `(createdAt, id)`), `null` at the end. */
  readonly nextCursor: string | null;
}

/** Statistics of one owner's jobs. */
export interface OwnerJobStats {
  readonly counts: JobCounts;
  readonly total: number;
  /** Jobs completed at or after `since`. */
  readonly completedSince: number;
  /** Mean seconds from first start to finish of completed jobs; `null` without any. */
  readonly averageProcessingSeconds: number | null;
  /** 95th percentile (continuous) of the same; `null` without any. */
  readonly p95ProcessingSeconds: number | null;
  /** Bytes of the stored videos of completed jobs. */
  readonly storedBytes: number;
}

/** What finished recently, per the store's clock (SQL aggregates over the `jobs` table). */
export interface ThroughputStats {
  /** End of the window on the store's clock; the window is `(asOf - windowMs, asOf]`. */
  readonly asOf: Date;
  /** Window length in ms. */
  readonly windowMs: number;
  /** Jobs whose `finishedAt` falls in the window, by terminal status. */
  readonly finished: { readonly completed: number; readonly failed: number; readonly cancelled: number };
  /**
   * Seconds from first start to finish of the jobs completed in the window: continuous
   * percentiles (PostgreSQL `percentile_cont`), mean and max; all `null` when none completed.
   */
  readonly processingSeconds: {
    readonly p50: number | null;
    readonly p95: number | null;
    readonly mean: number | null;
    readonly max: number | null;
  };
}

/** A processing job as the operations view shows it. */
export interface RunningJob {
  readonly jobId: string;
  readonly ownerId: string;
  /** The attempt running now (the lease token). */
  readonly attempt: number;
  /** Lease owner and expiry; `null` only for a row written without a lease (never by the queue). */
  readonly workerId: string | null;
  readonly leaseExpiresAt: Date | null;
  readonly stage: Job['progress']['stage'];
  readonly percent: number;
  readonly startedAt: Date | null;
}

/** The queue at one instant, per the store's clock. */
export interface QueueSnapshot {
  /** The store's now, against which runnable/delayed and ages are measured. */
  readonly asOf: Date;
  readonly counts: JobCounts;
  /** Queued jobs whose `runAt` has come (claimable now) and those waiting for it (backoff). */
  readonly runnable: number;
  readonly delayed: number;
  /** `createdAt` of the oldest queued job, `null` when none is queued. */
  readonly oldestQueuedAt: Date | null;
  /** Processing jobs, oldest start first, at most the requested number. */
  readonly running: readonly RunningJob[];
  /** Distinct lease owners of all processing jobs, sorted. */
  readonly activeWorkers: readonly string[];
}

/**
 * Durable store of jobs, and the queue built on it (DESIGN §6). The store is the source of
 * truth; every write is conditional so that concurrent workers and API processes never
 * overwrite each other.
 */
export interface JobRepository {
  /** Stores a new job. */
  insert(job: Job): ResultAsync<Job, DatabaseUnavailable>;

  /**
   * Stores a new job together with the first event of its log (`event.jobId === job.id`) in one
   * atomic write: both are stored or neither (SQL: one statement, one commit). When
   * {@link wakesWorkersOnInsert} is true the same commit also sends the work signal.
   * @returns the stored job, or `DatabaseUnavailable` (then nothing was stored).
   * @throws Error (the ResultAsync rejects) for a programmer error: an event of another job, a
   *   duplicate id.
   */
  insertWithEvent(job: Job, event: JobEvent): ResultAsync<Job, DatabaseUnavailable>;

  /**
   * `true` when {@link insertWithEvent} wakes workers itself, in the commit that stores the job
   * (PostgreSQL: `pg_notify` on the work signal's channel inside the insert statement), so the
   * caller must not send a separate signal. Absent or `false`: the caller sends it.
   */
  readonly wakesWorkersOnInsert?: boolean;

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
   * Records the end of several successful attempts in one atomic step (a burst of short jobs
   * claimed together): each job still processing in that attempt becomes `completed` with its
   * result, or `cancelled` when a cancel was requested meanwhile (the domain's `finishAttempt`);
   * any other job is left untouched and reported `lease-lost`, so an attempt whose lease was lost
   * can never complete the job (fencing by attempt, like every worker write). `finishedAt` and
   * `updatedAt` are the store's now; versions increment. An empty batch does nothing.
   * @returns one outcome per completion, in the order given.
   * @throws Error (the ResultAsync rejects) when a job id appears twice in `completions`
   *   (programmer error).
   */
  completeMany(
    completions: readonly JobCompletion[],
  ): ResultAsync<JobCompletionOutcome[], DatabaseUnavailable>;

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
   * Milliseconds from the store's now until the earliest lease of a processing job expires
   * (0 when one has expired already), or `null` when no job is processing. The worker schedules
   * its next lease sweep with it, so a dead worker's job is recovered right when its lease ends.
   */
  msUntilNextLeaseExpiry(): ResultAsync<number | null, DatabaseUnavailable>;

  /**
   * 1-based position of a queued job among runnable queued jobs in claim order,
   * or `null` when the job is not queued.
   */
  queuePosition(jobId: string): ResultAsync<number | null, DatabaseUnavailable>;

  /** Number of jobs in each status (all owners). */
  countByStatus(): ResultAsync<JobCounts, DatabaseUnavailable>;

  /**
   * One page of jobs matching `query`, in `createdAt` order (ties by id). Pages are keyset-based,
   * so jobs inserted meanwhile never shift them: no duplicates, no gaps.
   * @returns the page, or `InvalidCursor` when `query.cursor` was not made by `list` with this sort.
   */
  list(query: JobListQuery): ResultAsync<JobPage, InvalidCursor | DatabaseUnavailable>;

  /**
   * Deletes the job (and, in the SQL store, its events) when its stored version is
   * `expectedVersion`: a job that changed meanwhile (say, was claimed) is kept.
   */
  delete(
    jobId: string,
    expectedVersion: number,
  ): ResultAsync<void, JobNotFound | VersionConflict | DatabaseUnavailable>;

  /**
   * Statistics of `ownerId`'s jobs, computed by the store (SQL aggregates); processing time of a
   * completed job runs from its first start to its finish. `since` bounds `completedSince`.
   */
  statsForOwner(ownerId: string, since: Date): ResultAsync<OwnerJobStats, DatabaseUnavailable>;

  /**
   * Jobs finished in the last `windowMs` milliseconds of the store's clock, with processing-time
   * percentiles of those completed (SQL aggregates; the operations view's throughput).
   */
  throughputStats(windowMs: number): ResultAsync<ThroughputStats, DatabaseUnavailable>;

  /**
   * Counts, runnable vs delayed queued jobs, the oldest queued job, up to `runningLimit` processing
   * jobs with their leases, and the distinct lease owners (active workers).
   */
  queueSnapshot(runningLimit: number): ResultAsync<QueueSnapshot, DatabaseUnavailable>;

  /** Checks that the store answers. */
  ping(): ResultAsync<void, DatabaseUnavailable>;
}
