import { err, ok, type Result } from 'neverthrow';
import type { IllegalJobTransition, LeaseLost } from './errors.js';
import type { VideoAsset } from './video-asset.js';
import type { VideoSpec } from './video-spec.js';

export const JOB_STATUSES = ['queued', 'processing', 'completed', 'failed', 'cancelled'] as const;
/** The API-visible lifecycle status of a job. */
export type JobStatus = (typeof JOB_STATUSES)[number];

export const TERMINAL_STATUSES: readonly JobStatus[] = ['completed', 'failed', 'cancelled'];

export const STAGES = [
  'queued',
  'planning',
  'narration',
  'rendering',
  'composing',
  'thumbnail',
  'uploading',
  'done',
] as const;
/** Where a job is in the pipeline. */
export type Stage = (typeof STAGES)[number];

/** Pipeline stages a worker moves through, in order. */
export const PIPELINE_STAGES: readonly Stage[] = [
  'planning',
  'narration',
  'rendering',
  'composing',
  'thumbnail',
  'uploading',
];

export interface JobProgress {
  readonly stage: Stage;
  /** Whole-job completion, 0–100. */
  readonly percent: number;
}

export interface JobLease {
  readonly workerId: string;
  readonly expiresAt: Date;
}

/** Why a job's last attempt failed. `retryable` says whether another attempt could succeed. */
export interface JobError {
  readonly code: string;
  readonly message: string;
  readonly retryable: boolean;
}

/** The Job aggregate: an immutable snapshot. Change it only through the transitions below. */
export interface Job {
  readonly id: string;
  readonly ownerId: string;
  readonly batchId: string | null;
  readonly spec: VideoSpec;
  readonly status: JobStatus;
  /** Higher runs first. */
  readonly priority: number;
  /** Attempts started so far; the current attempt number while processing (the lease token). */
  readonly attempts: number;
  readonly maxAttempts: number;
  /** Earliest time the job may be claimed (backoff after a retryable failure). */
  readonly runAt: Date;
  readonly lease: JobLease | null;
  readonly progress: JobProgress;
  readonly cancelRequestedAt: Date | null;
  readonly error: JobError | null;
  readonly result: VideoAsset | null;
  readonly createdAt: Date;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
  readonly updatedAt: Date;
  /** Optimistic-concurrency version; every stored change increments it. */
  readonly version: number;
}

export interface NewJobInput {
  readonly id: string;
  readonly ownerId: string;
  readonly spec: VideoSpec;
  readonly priority?: number;
  readonly maxAttempts: number;
  readonly batchId?: string | null;
  readonly now: Date;
}

/** Allowed job priorities (higher is claimed first). */
export const JOB_PRIORITY = { min: -10, max: 10 } as const;

export const isTerminal = (status: JobStatus): boolean => TERMINAL_STATUSES.includes(status);

const illegal = (job: Job, action: string): Result<never, IllegalJobTransition> =>
  err({ type: 'IllegalJobTransition', jobId: job.id, from: job.status, action });

const leaseLost = (job: Job, attempt: number): Result<never, LeaseLost> =>
  err({ type: 'LeaseLost', jobId: job.id, attempt });

/** A worker holds the job's lease when the job is processing in the worker's attempt. */
const holdsLease = (job: Job, attempt: number): boolean =>
  job.status === 'processing' && job.attempts === attempt;

const touch = (job: Job, now: Date, changes: Partial<Job>): Job => ({
  ...job,
  ...changes,
  updatedAt: now,
  version: job.version + 1,
});

/** Creates a queued job (version 1). */
export function createJob(input: NewJobInput): Job {
  return {
    id: input.id,
    ownerId: input.ownerId,
    batchId: input.batchId ?? null,
    spec: input.spec,
    status: 'queued',
    priority: input.priority ?? 0,
    attempts: 0,
    maxAttempts: input.maxAttempts,
    runAt: input.now,
    lease: null,
    progress: { stage: 'queued', percent: 0 },
    cancelRequestedAt: null,
    error: null,
    result: null,
    createdAt: input.now,
    startedAt: null,
    finishedAt: null,
    updatedAt: input.now,
    version: 1,
  };
}

/** queued -> processing: a worker takes a lease of `leaseMs` milliseconds; the attempt counter increments. */
export function claimJob(
  job: Job,
  claim: { workerId: string; leaseMs: number; now: Date },
): Result<Job, IllegalJobTransition> {
  if (job.status !== 'queued' || job.runAt.getTime() > claim.now.getTime()) return illegal(job, 'claim');
  return ok(
    touch(job, claim.now, {
      status: 'processing',
      attempts: job.attempts + 1,
      lease: { workerId: claim.workerId, expiresAt: new Date(claim.now.getTime() + claim.leaseMs) },
      progress: { stage: 'planning', percent: 0 },
      startedAt: job.startedAt ?? claim.now,
    }),
  );
}

/** Extends the lease of the worker's attempt by `leaseMs` from `now`. */
export function renewLease(
  job: Job,
  renew: { attempt: number; leaseMs: number; now: Date },
): Result<Job, LeaseLost> {
  if (!holdsLease(job, renew.attempt) || job.lease === null) return leaseLost(job, renew.attempt);
  return ok(
    touch(job, renew.now, {
      lease: { workerId: job.lease.workerId, expiresAt: new Date(renew.now.getTime() + renew.leaseMs) },
    }),
  );
}

/** Records pipeline progress of the worker's attempt; percent is clamped to 0–100 and never goes back. */
export function reportProgress(
  job: Job,
  report: { attempt: number; stage: Stage; percent: number; now: Date },
): Result<Job, LeaseLost> {
  if (!holdsLease(job, report.attempt)) return leaseLost(job, report.attempt);
  const percent = Math.max(job.progress.percent, Math.min(100, Math.max(0, Math.round(report.percent))));
  return ok(touch(job, report.now, { progress: { stage: report.stage, percent } }));
}

/** processing -> completed, with the stored result. */
export function completeJob(
  job: Job,
  done: { attempt: number; result: VideoAsset; now: Date },
): Result<Job, LeaseLost> {
  if (!holdsLease(job, done.attempt)) return leaseLost(job, done.attempt);
  return ok(
    touch(job, done.now, {
      status: 'completed',
      lease: null,
      progress: { stage: 'done', percent: 100 },
      error: null,
      result: done.result,
      finishedAt: done.now,
    }),
  );
}

/**
 * The end of a successful attempt, as the worker records it: processing -> completed with the
 * stored result ({@link completeJob}), unless a client asked to cancel meanwhile, in which case the
 * cancel wins and the job becomes cancelled without a result ({@link confirmCancelled}; the caller
 * deletes the files it stored). One rule for the single and the batched completion
 * (`JobRepository.completeMany`).
 */
export function finishAttempt(
  job: Job,
  done: { attempt: number; result: VideoAsset; now: Date },
): Result<Job, LeaseLost> {
  if (!holdsLease(job, done.attempt)) return leaseLost(job, done.attempt);
  if (job.cancelRequestedAt !== null)
    return ok(touch(job, done.now, { status: 'cancelled', lease: null, finishedAt: done.now }));
  return completeJob(job, done);
}

/**
 * processing -> queued (retryable error, attempts left; runs again after `backoffMs`)
 * or processing -> failed (permanent error or attempts used up).
 */
export function failJob(
  job: Job,
  failure: { attempt: number; error: JobError; backoffMs: number; now: Date },
): Result<Job, LeaseLost> {
  if (!holdsLease(job, failure.attempt)) return leaseLost(job, failure.attempt);
  return ok(afterFailedAttempt(job, failure.error, failure.backoffMs, failure.now));
}

function afterFailedAttempt(job: Job, error: JobError, backoffMs: number, now: Date): Job {
  if (error.retryable && job.attempts < job.maxAttempts && job.cancelRequestedAt === null) {
    return touch(job, now, {
      status: 'queued',
      lease: null,
      runAt: new Date(now.getTime() + Math.max(0, backoffMs)),
      progress: { stage: 'queued', percent: 0 },
      error,
    });
  }
  if (job.cancelRequestedAt !== null) {
    return touch(job, now, { status: 'cancelled', lease: null, finishedAt: now });
  }
  return touch(job, now, { status: 'failed', lease: null, error, finishedAt: now });
}

/**
 * An expired lease (the worker died or stalled): the attempt counts as failed with
 * `LEASE_EXPIRED` and the job is queued again at once, or failed when attempts are used up.
 * A requeued job keeps its `runAt` (already past), so it runs before jobs queued after it
 * rather than at the back of the queue: a crash does not cost the job its turn.
 */
export function expireLease(job: Job, now: Date): Result<Job, IllegalJobTransition> {
  if (job.status !== 'processing' || job.lease === null || job.lease.expiresAt.getTime() > now.getTime())
    return illegal(job, 'expireLease');
  const error: JobError = {
    code: 'LEASE_EXPIRED',
    message: `worker ${job.lease.workerId} stopped renewing its lease in attempt ${job.attempts}`,
    retryable: true,
  };
  const next = afterFailedAttempt(job, error, 0, now);
  return ok(next.status === 'queued' ? { ...next, runAt: job.runAt } : next);
}

/**
 * A worker gives a job back without failing it (graceful shutdown): processing -> queued,
 * and the attempt is not counted.
 */
export function releaseJob(job: Job, release: { attempt: number; now: Date }): Result<Job, LeaseLost> {
  if (!holdsLease(job, release.attempt)) return leaseLost(job, release.attempt);
  if (job.cancelRequestedAt !== null)
    return ok(touch(job, release.now, { status: 'cancelled', lease: null, finishedAt: release.now }));
  return ok(
    touch(job, release.now, {
      status: 'queued',
      attempts: job.attempts - 1,
      lease: null,
      runAt: release.now,
      progress: { stage: 'queued', percent: 0 },
    }),
  );
}

/**
 * A client asks to cancel: queued -> cancelled at once; processing stays processing with
 * `cancelRequestedAt` set until the worker stops ({@link confirmCancelled}). Asking twice is harmless.
 */
export function requestCancel(job: Job, now: Date): Result<Job, IllegalJobTransition> {
  if (job.status === 'queued')
    return ok(touch(job, now, { status: 'cancelled', cancelRequestedAt: now, finishedAt: now, lease: null }));
  if (job.status === 'processing')
    return ok(job.cancelRequestedAt !== null ? job : touch(job, now, { cancelRequestedAt: now }));
  return illegal(job, 'cancel');
}

/** processing (cancel requested) -> cancelled: the worker stopped the attempt. */
export function confirmCancelled(
  job: Job,
  done: { attempt: number; now: Date },
): Result<Job, LeaseLost | IllegalJobTransition> {
  if (!holdsLease(job, done.attempt)) return leaseLost(job, done.attempt);
  if (job.cancelRequestedAt === null) return illegal(job, 'confirmCancelled');
  return ok(touch(job, done.now, { status: 'cancelled', lease: null, finishedAt: done.now }));
}

/** failed | cancelled -> queued: a client retries; attempts start again from zero. */
export function retryJob(job: Job, now: Date): Result<Job, IllegalJobTransition> {
  if (job.status !== 'failed' && job.status !== 'cancelled') return illegal(job, 'retry');
  return ok(
    touch(job, now, {
      status: 'queued',
      attempts: 0,
      runAt: now,
      lease: null,
      progress: { stage: 'queued', percent: 0 },
      cancelRequestedAt: null,
      error: null,
      result: null,
      finishedAt: null,
    }),
  );
}
