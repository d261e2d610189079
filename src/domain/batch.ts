import { err, ok, type Result } from 'neverthrow';
import type { FieldIssue } from './errors.js';
import { isTerminal, JOB_STATUSES, type JobStatus } from './job.js';

/**
 * A batch: several independent jobs submitted together (DESIGN §3). It records which jobs it made;
 * its status is never stored but aggregated from its jobs ({@link summarizeBatch}), so one job's
 * failure leaves the others running.
 */
export interface Batch {
  readonly id: string;
  readonly ownerId: string;
  /** Optional label given by the client (1–200 characters), else `null`. */
  readonly name: string | null;
  /** Ids of the batch's jobs, in the order of the request's specs. */
  readonly jobIds: readonly string[];
  readonly createdAt: Date;
}

export const BATCH_LIMITS = { nameMaxChars: 200 } as const;

/** The batch request broke a rule other than its size (empty list, bad name, invalid specs). */
export interface InvalidBatch {
  readonly type: 'InvalidBatch';
  /** Paths into the request: `name`, `jobs`, `jobs.3.topic`. */
  readonly issues: readonly FieldIssue[];
}

/** The batch lists more jobs than the configured limit (`BATCH_MAX_JOBS`). */
export interface BatchTooLarge {
  readonly type: 'BatchTooLarge';
  /** Jobs in the request. */
  readonly size: number;
  /** Most jobs one batch may hold. */
  readonly limit: number;
}

/** No batch with this id for this caller (another user's batch answers the same). */
export interface BatchNotFound {
  readonly type: 'BatchNotFound';
  readonly batchId: string;
}

/**
 * Checks the number of jobs of a batch request: 1 to `limit`.
 * @returns `BatchTooLarge` above the limit, `InvalidBatch` (path `jobs`) when empty.
 */
export function checkBatchSize(size: number, limit: number): Result<void, InvalidBatch | BatchTooLarge> {
  if (size > limit) return err({ type: 'BatchTooLarge', size, limit });
  if (size < 1)
    return err({ type: 'InvalidBatch', issues: [{ path: 'jobs', message: 'must list at least one job' }] });
  return ok(undefined);
}

/**
 * Reads an optional batch name: absent or `null` gives `null`; a string is trimmed and must keep
 * 1–200 characters.
 * @returns the name, or the issue at path `name`.
 */
export function parseBatchName(name: unknown): Result<string | null, FieldIssue> {
  if (name === undefined || name === null) return ok(null);
  if (typeof name !== 'string') return err({ path: 'name', message: 'must be a string' });
  const trimmed = name.trim().replace(/\s+/g, ' ');
  if (trimmed.length === 0) return err({ path: 'name', message: 'must not be empty' });
  if (trimmed.length > BATCH_LIMITS.nameMaxChars)
    return err({ path: 'name', message: `must be at most ${BATCH_LIMITS.nameMaxChars} characters` });
  return ok(trimmed);
}

export interface NewBatchInput {
  readonly id: string;
  readonly ownerId: string;
  readonly name?: unknown;
  readonly jobIds: readonly string[];
  /** Most jobs one batch may hold. */
  readonly maxJobs: number;
  readonly now: Date;
}

/**
 * Creates a batch of already-validated jobs.
 * @returns the batch, `BatchTooLarge`, or `InvalidBatch` (empty, bad name, or a job id twice).
 */
export function createBatch(input: NewBatchInput): Result<Batch, InvalidBatch | BatchTooLarge> {
  const size = checkBatchSize(input.jobIds.length, input.maxJobs);
  if (size.isErr()) return err(size.error);
  if (new Set(input.jobIds).size !== input.jobIds.length)
    return err({ type: 'InvalidBatch', issues: [{ path: 'jobs', message: 'must not repeat a job id' }] });
  const name = parseBatchName(input.name);
  if (name.isErr()) return err({ type: 'InvalidBatch', issues: [name.error] });
  return ok({
    id: input.id,
    ownerId: input.ownerId,
    name: name.value,
    jobIds: Object.freeze([...input.jobIds]),
    createdAt: input.now,
  });
}

/** Jobs of a batch in one status: how many, and the sum of their progress percents (0–100 each). */
export interface BatchJobTally {
  readonly status: JobStatus;
  readonly count: number;
  readonly percentSum: number;
}

/** A batch's aggregated state. */
export interface BatchSummary {
  /** Jobs per status; every status is present. */
  readonly counts: Readonly<Record<JobStatus, number>>;
  readonly total: number;
  /**
   * Overall completion 0–100 (one decimal): the mean of the jobs' percents, where a job that
   * ended (completed, failed or cancelled) counts as 100. 0 for a batch without jobs.
   */
  readonly progress: number;
  /** Whether every job has ended. */
  readonly finished: boolean;
}

/** Aggregates the tallies of a batch's jobs (any order; a status may repeat or be missing). */
export function summarizeBatch(tallies: readonly BatchJobTally[]): BatchSummary {
  const counts = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<JobStatus, number>;
  let total = 0;
  let percent = 0;
  for (const t of tallies) {
    counts[t.status] += t.count;
    total += t.count;
    percent += isTerminal(t.status) ? 100 * t.count : Math.min(100 * t.count, Math.max(0, t.percentSum));
  }
  const progress = total === 0 ? 0 : Math.round((percent / total) * 10) / 10;
  const ended = counts.completed + counts.failed + counts.cancelled;
  return { counts, total, progress, finished: total > 0 && ended === total };
}
