import { describe, expect, it } from 'vitest';
import {
  claimJob,
  completeJob,
  confirmCancelled,
  createJob,
  expireLease,
  failJob,
  finishAttempt,
  isTerminal,
  JOB_STATUSES,
  releaseJob,
  renewLease,
  reportProgress,
  requestCancel,
  retryJob,
  type Job,
  type JobError,
  type JobStatus,
} from '../../../src/domain/job.js';
import type { VideoAsset } from '../../../src/domain/video-asset.js';
import { VideoSpec } from '../../../src/domain/video-spec.js';

const T0 = new Date('2025-03-01T12:00:00.000Z');
/** A fixed instant `seconds` after T0. */
const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);

const JOB_ID = '01890f6e-1c2d-7a3b-8c4d-5e6f7a8b9c0d';
const OWNER_ID = 'user_2abc';
const WORKER = 'worker-1';
const LEASE_MS = 30_000;

const spec = VideoSpec.create({ topic: 'Photosynthesis' })._unsafeUnwrap();

const asset: VideoAsset = {
  videoKey: `jobs/${JOB_ID}/video.mp4`,
  thumbnailKey: `jobs/${JOB_ID}/thumbnail.jpg`,
  subtitlesKey: `jobs/${JOB_ID}/subtitles.vtt`,
  sizeBytes: 1_234_567,
  durationSeconds: 42.5,
  width: 1280,
  height: 720,
  fps: 30,
  videoCodec: 'h264',
  audioCodec: 'aac',
  bitrate: 232_000,
  sha256: 'a'.repeat(64),
};

const retryable: JobError = { code: 'TTS_FAILED', message: 'espeak-ng exited with 1', retryable: true };
const permanent: JobError = { code: 'INVALID_UPLOAD', message: 'the logo is not an image', retryable: false };

/** Freezes a job and everything it holds, so any in-place change throws. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

const newJob = (overrides: { maxAttempts?: number; priority?: number; batchId?: string | null } = {}): Job =>
  deepFreeze(
    createJob({
      id: JOB_ID,
      ownerId: OWNER_ID,
      spec,
      maxAttempts: overrides.maxAttempts ?? 3,
      now: T0,
      ...(overrides.priority !== undefined ? { priority: overrides.priority } : {}),
      ...(overrides.batchId !== undefined ? { batchId: overrides.batchId } : {}),
    }),
  );

/** A job claimed at `at(10)` by WORKER: processing in attempt 1, version 2. */
const processingJob = (maxAttempts = 3): Job =>
  deepFreeze(
    claimJob(newJob({ maxAttempts }), { workerId: WORKER, leaseMs: LEASE_MS, now: at(10) })._unsafeUnwrap(),
  );

/** Processing in attempt 1 with a cancel requested at `at(15)`. */
const cancelRequestedJob = (): Job => deepFreeze(requestCancel(processingJob(), at(15))._unsafeUnwrap());

const completedJob = (): Job =>
  deepFreeze(completeJob(processingJob(), { attempt: 1, result: asset, now: at(20) })._unsafeUnwrap());

const failedJob = (): Job =>
  deepFreeze(
    failJob(processingJob(), { attempt: 1, error: permanent, backoffMs: 0, now: at(20) })._unsafeUnwrap(),
  );

const cancelledJob = (): Job => deepFreeze(requestCancel(newJob(), at(5))._unsafeUnwrap());

const jobIn: Record<JobStatus, () => Job> = {
  queued: () => newJob(),
  processing: () => processingJob(),
  completed: completedJob,
  failed: failedJob,
  cancelled: cancelledJob,
};

const notProcessing = JOB_STATUSES.filter((s) => s !== 'processing');

describe('JOB_STATUSES and isTerminal', () => {
  it('lists the five API statuses', () => {
    expect(JOB_STATUSES).toEqual(['queued', 'processing', 'completed', 'failed', 'cancelled']);
  });

  it.each([
    ['queued', false],
    ['processing', false],
    ['completed', true],
    ['failed', true],
    ['cancelled', true],
  ] as const)('isTerminal(%s) is %s', (status, terminal) => {
    expect(isTerminal(status)).toBe(terminal);
  });

  it('the fixtures are in the status they are named after', () => {
    for (const status of JOB_STATUSES) expect(jobIn[status]().status).toBe(status);
  });
});

describe('createJob', () => {
  it('creates a queued job at version 1 with every default', () => {
    expect(newJob()).toEqual({
      id: JOB_ID,
      ownerId: OWNER_ID,
      batchId: null,
      spec,
      status: 'queued',
      priority: 0,
      attempts: 0,
      maxAttempts: 3,
      runAt: T0,
      lease: null,
      progress: { stage: 'queued', percent: 0 },
      cancelRequestedAt: null,
      error: null,
      result: null,
      createdAt: T0,
      startedAt: null,
      finishedAt: null,
      updatedAt: T0,
      version: 1,
    });
  });

  it('keeps an explicit priority and batch id', () => {
    const job = newJob({ priority: 7, batchId: 'batch_42', maxAttempts: 5 });
    expect(job.priority).toBe(7);
    expect(job.batchId).toBe('batch_42');
    expect(job.maxAttempts).toBe(5);
  });

  it('maps an explicit null batch id to null', () => {
    expect(newJob({ batchId: null }).batchId).toBeNull();
  });

  it('keeps the spec by reference', () => {
    expect(newJob().spec).toBe(spec);
  });
});

describe('claimJob', () => {
  it('queued with runAt reached -> processing, attempt 1, lease until now + leaseMs, version + 1', () => {
    const job = claimJob(newJob(), { workerId: WORKER, leaseMs: LEASE_MS, now: at(10) })._unsafeUnwrap();
    expect(job).toEqual({
      ...newJob(),
      status: 'processing',
      attempts: 1,
      lease: { workerId: WORKER, expiresAt: at(40) },
      progress: { stage: 'planning', percent: 0 },
      startedAt: at(10),
      updatedAt: at(10),
      version: 2,
    });
  });

  it('may claim exactly at runAt', () => {
    expect(claimJob(newJob(), { workerId: WORKER, leaseMs: LEASE_MS, now: T0 }).isOk()).toBe(true);
  });

  it('refuses a queued job whose runAt is in the future', () => {
    const backedOff = failJob(processingJob(), {
      attempt: 1,
      error: retryable,
      backoffMs: 5_000,
      now: at(20),
    })._unsafeUnwrap();
    expect(backedOff.runAt).toEqual(at(25));
    const early = claimJob(backedOff, {
      workerId: WORKER,
      leaseMs: LEASE_MS,
      now: new Date(at(25).getTime() - 1),
    });
    expect(early._unsafeUnwrapErr()).toEqual({
      type: 'IllegalJobTransition',
      jobId: JOB_ID,
      from: 'queued',
      action: 'claim',
    });
    expect(claimJob(backedOff, { workerId: WORKER, leaseMs: LEASE_MS, now: at(25) }).isOk()).toBe(true);
  });

  it('a second attempt increments attempts again and keeps the first startedAt', () => {
    const requeued = failJob(processingJob(), {
      attempt: 1,
      error: retryable,
      backoffMs: 1_000,
      now: at(20),
    })._unsafeUnwrap();
    const second = claimJob(requeued, { workerId: 'worker-2', leaseMs: 60_000, now: at(30) })._unsafeUnwrap();
    expect(second.status).toBe('processing');
    expect(second.attempts).toBe(2);
    expect(second.startedAt).toEqual(at(10));
    expect(second.lease).toEqual({ workerId: 'worker-2', expiresAt: at(90) });
    expect(second.progress).toEqual({ stage: 'planning', percent: 0 });
    expect(second.version).toBe(requeued.version + 1);
    expect(second.updatedAt).toEqual(at(30));
  });

  it.each(JOB_STATUSES.filter((s) => s !== 'queued'))(
    'refuses a %s job, naming from and action',
    (status) => {
      const job = jobIn[status]();
      const result = claimJob(job, { workerId: WORKER, leaseMs: LEASE_MS, now: at(1_000) });
      expect(result._unsafeUnwrapErr()).toEqual({
        type: 'IllegalJobTransition',
        jobId: JOB_ID,
        from: status,
        action: 'claim',
      });
    },
  );
});

describe('renewLease', () => {
  it('extends the lease of the holding attempt to now + leaseMs and bumps the version', () => {
    const job = processingJob();
    const renewed = renewLease(job, { attempt: 1, leaseMs: 45_000, now: at(25) })._unsafeUnwrap();
    expect(renewed).toEqual({
      ...job,
      lease: { workerId: WORKER, expiresAt: at(70) },
      updatedAt: at(25),
      version: job.version + 1,
    });
  });

  it('a wrong attempt has lost the lease', () => {
    expect(
      renewLease(processingJob(), { attempt: 2, leaseMs: LEASE_MS, now: at(25) })._unsafeUnwrapErr(),
    ).toEqual({
      type: 'LeaseLost',
      jobId: JOB_ID,
      attempt: 2,
    });
  });

  it('a worker of an earlier attempt has lost the lease after the job was claimed again', () => {
    const requeued = expireLease(processingJob(), at(40))._unsafeUnwrap();
    const reclaimed = claimJob(requeued, {
      workerId: 'worker-2',
      leaseMs: LEASE_MS,
      now: at(41),
    })._unsafeUnwrap();
    expect(renewLease(reclaimed, { attempt: 1, leaseMs: LEASE_MS, now: at(42) })._unsafeUnwrapErr()).toEqual({
      type: 'LeaseLost',
      jobId: JOB_ID,
      attempt: 1,
    });
  });

  it.each(notProcessing)('a %s job has no lease to renew', (status) => {
    const job = jobIn[status]();
    expect(
      renewLease(job, { attempt: job.attempts, leaseMs: LEASE_MS, now: at(25) })._unsafeUnwrapErr(),
    ).toEqual({ type: 'LeaseLost', jobId: JOB_ID, attempt: job.attempts });
  });
});

describe('reportProgress', () => {
  const report = (job: Job, percent: number, stage: 'narration' | 'rendering' = 'rendering', attempt = 1) =>
    reportProgress(job, { attempt, stage, percent, now: at(20) });

  it('records stage and percent, bumping version and updatedAt', () => {
    const job = processingJob();
    expect(report(job, 35)._unsafeUnwrap()).toEqual({
      ...job,
      progress: { stage: 'rendering', percent: 35 },
      updatedAt: at(20),
      version: job.version + 1,
    });
  });

  it('never lets percent go back', () => {
    const at50 = report(processingJob(), 50)._unsafeUnwrap();
    const back = report(at50, 20, 'narration')._unsafeUnwrap();
    expect(back.progress).toEqual({ stage: 'narration', percent: 50 });
  });

  it.each([
    [-10, 0],
    [0, 0],
    [42.4, 42],
    [42.5, 43],
    [100, 100],
    [250, 100],
  ])('clamps and rounds %s to %s', (input, expected) => {
    expect(report(processingJob(), input)._unsafeUnwrap().progress.percent).toBe(expected);
  });

  it('a wrong attempt has lost the lease', () => {
    expect(report(processingJob(), 50, 'rendering', 2)._unsafeUnwrapErr()).toEqual({
      type: 'LeaseLost',
      jobId: JOB_ID,
      attempt: 2,
    });
  });

  it.each(notProcessing)('a %s job refuses progress', (status) => {
    const job = jobIn[status]();
    expect(report(job, 50, 'rendering', job.attempts)._unsafeUnwrapErr()).toEqual({
      type: 'LeaseLost',
      jobId: JOB_ID,
      attempt: job.attempts,
    });
  });
});

describe('completeJob', () => {
  it('processing -> completed with the result, lease dropped, progress done 100', () => {
    const job = processingJob();
    expect(completeJob(job, { attempt: 1, result: asset, now: at(20) })._unsafeUnwrap()).toEqual({
      ...job,
      status: 'completed',
      lease: null,
      progress: { stage: 'done', percent: 100 },
      error: null,
      result: asset,
      finishedAt: at(20),
      updatedAt: at(20),
      version: job.version + 1,
    });
  });

  it('clears the error of an earlier failed attempt', () => {
    const requeued = failJob(processingJob(), {
      attempt: 1,
      error: retryable,
      backoffMs: 0,
      now: at(20),
    })._unsafeUnwrap();
    const second = claimJob(requeued, { workerId: WORKER, leaseMs: LEASE_MS, now: at(21) })._unsafeUnwrap();
    const done = completeJob(second, { attempt: 2, result: asset, now: at(30) })._unsafeUnwrap();
    expect(done.error).toBeNull();
    expect(done.attempts).toBe(2);
    expect(done.startedAt).toEqual(at(10));
  });

  it('a wrong attempt has lost the lease', () => {
    expect(
      completeJob(processingJob(), { attempt: 0, result: asset, now: at(20) })._unsafeUnwrapErr(),
    ).toEqual({
      type: 'LeaseLost',
      jobId: JOB_ID,
      attempt: 0,
    });
  });

  it.each(notProcessing)('a %s job cannot be completed', (status) => {
    const job = jobIn[status]();
    expect(
      completeJob(job, { attempt: job.attempts, result: asset, now: at(30) })._unsafeUnwrapErr(),
    ).toEqual({ type: 'LeaseLost', jobId: JOB_ID, attempt: job.attempts });
  });
});

describe('finishAttempt', () => {
  it('without a cancel request is completeJob', () => {
    const job = processingJob();
    expect(finishAttempt(job, { attempt: 1, result: asset, now: at(20) })._unsafeUnwrap()).toEqual(
      completeJob(job, { attempt: 1, result: asset, now: at(20) })._unsafeUnwrap(),
    );
  });

  it('with a cancel requested meanwhile is confirmCancelled: the cancel wins, no result', () => {
    const job = cancelRequestedJob();
    const finished = finishAttempt(job, { attempt: 1, result: asset, now: at(20) })._unsafeUnwrap();
    expect(finished).toEqual(confirmCancelled(job, { attempt: 1, now: at(20) })._unsafeUnwrap());
    expect(finished).toMatchObject({ status: 'cancelled', result: null, lease: null, finishedAt: at(20) });
  });

  it('a wrong attempt has lost the lease, cancel requested or not', () => {
    for (const job of [processingJob(), cancelRequestedJob()])
      expect(finishAttempt(job, { attempt: 2, result: asset, now: at(20) })._unsafeUnwrapErr()).toEqual({
        type: 'LeaseLost',
        jobId: JOB_ID,
        attempt: 2,
      });
  });

  it.each(notProcessing)('a %s job cannot be finished', (status) => {
    const job = jobIn[status]();
    expect(
      finishAttempt(job, { attempt: job.attempts, result: asset, now: at(30) })._unsafeUnwrapErr(),
    ).toEqual({ type: 'LeaseLost', jobId: JOB_ID, attempt: job.attempts });
  });
});

describe('failJob', () => {
  it('retryable with attempts left -> queued, runAt = now + backoff, error kept, attempts kept', () => {
    const job = processingJob();
    expect(
      failJob(job, { attempt: 1, error: retryable, backoffMs: 4_000, now: at(20) })._unsafeUnwrap(),
    ).toEqual({
      ...job,
      status: 'queued',
      lease: null,
      runAt: at(24),
      progress: { stage: 'queued', percent: 0 },
      error: retryable,
      updatedAt: at(20),
      version: job.version + 1,
    });
  });

  it('a negative backoff queues the job at once', () => {
    const queued = failJob(processingJob(), {
      attempt: 1,
      error: retryable,
      backoffMs: -500,
      now: at(20),
    })._unsafeUnwrap();
    expect(queued.runAt).toEqual(at(20));
  });

  it('retryable with attempts used up -> failed', () => {
    const job = processingJob(1);
    expect(
      failJob(job, { attempt: 1, error: retryable, backoffMs: 4_000, now: at(20) })._unsafeUnwrap(),
    ).toEqual({
      ...job,
      status: 'failed',
      lease: null,
      error: retryable,
      finishedAt: at(20),
      updatedAt: at(20),
      version: job.version + 1,
    });
  });

  it('the last of maxAttempts attempts fails for good', () => {
    let job = processingJob(2);
    job = failJob(job, { attempt: 1, error: retryable, backoffMs: 0, now: at(20) })._unsafeUnwrap();
    expect(job.status).toBe('queued');
    job = claimJob(job, { workerId: WORKER, leaseMs: LEASE_MS, now: at(21) })._unsafeUnwrap();
    expect(job.attempts).toBe(2);
    job = failJob(job, { attempt: 2, error: retryable, backoffMs: 0, now: at(22) })._unsafeUnwrap();
    expect(job.status).toBe('failed');
    expect(job.finishedAt).toEqual(at(22));
  });

  it('permanent error with attempts left -> failed', () => {
    const job = processingJob(5);
    const failed = failJob(job, {
      attempt: 1,
      error: permanent,
      backoffMs: 4_000,
      now: at(20),
    })._unsafeUnwrap();
    expect(failed).toEqual({
      ...job,
      status: 'failed',
      lease: null,
      error: permanent,
      finishedAt: at(20),
      updatedAt: at(20),
      version: job.version + 1,
    });
  });

  it.each([
    ['retryable', retryable],
    ['permanent', permanent],
  ] as const)('cancel requested -> cancelled (%s error)', (_kind, error) => {
    const job = cancelRequestedJob();
    expect(failJob(job, { attempt: 1, error, backoffMs: 1_000, now: at(20) })._unsafeUnwrap()).toEqual({
      ...job,
      status: 'cancelled',
      lease: null,
      finishedAt: at(20),
      updatedAt: at(20),
      version: job.version + 1,
    });
  });

  it('a wrong attempt has lost the lease', () => {
    expect(
      failJob(processingJob(), {
        attempt: 3,
        error: retryable,
        backoffMs: 0,
        now: at(20),
      })._unsafeUnwrapErr(),
    ).toEqual({ type: 'LeaseLost', jobId: JOB_ID, attempt: 3 });
  });

  it.each(notProcessing)('a %s job cannot fail', (status) => {
    const job = jobIn[status]();
    expect(
      failJob(job, { attempt: job.attempts, error: retryable, backoffMs: 0, now: at(30) })._unsafeUnwrapErr(),
    ).toEqual({ type: 'LeaseLost', jobId: JOB_ID, attempt: job.attempts });
  });
});

describe('expireLease', () => {
  it('refuses a lease that has not expired yet', () => {
    // The lease of processingJob() expires at at(40).
    expect(expireLease(processingJob(), new Date(at(40).getTime() - 1))._unsafeUnwrapErr()).toEqual({
      type: 'IllegalJobTransition',
      jobId: JOB_ID,
      from: 'processing',
      action: 'expireLease',
    });
  });

  it('expired lease -> queued at once with LEASE_EXPIRED (retryable), attempt counted', () => {
    const job = processingJob();
    expect(expireLease(job, at(40))._unsafeUnwrap()).toEqual({
      ...job,
      status: 'queued',
      attempts: 1,
      lease: null,
      runAt: job.runAt,
      progress: { stage: 'queued', percent: 0 },
      error: {
        code: 'LEASE_EXPIRED',
        message: 'worker worker-1 stopped renewing its lease in attempt 1',
        retryable: true,
      },
      updatedAt: at(40),
      version: job.version + 1,
    });
  });

  it('expired lease with attempts used up -> failed', () => {
    const job = processingJob(1);
    expect(expireLease(job, at(100))._unsafeUnwrap()).toEqual({
      ...job,
      status: 'failed',
      lease: null,
      error: {
        code: 'LEASE_EXPIRED',
        message: 'worker worker-1 stopped renewing its lease in attempt 1',
        retryable: true,
      },
      finishedAt: at(100),
      updatedAt: at(100),
      version: job.version + 1,
    });
  });

  it('expired lease with a cancel requested -> cancelled', () => {
    const cancelled = expireLease(cancelRequestedJob(), at(100))._unsafeUnwrap();
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.lease).toBeNull();
    expect(cancelled.finishedAt).toEqual(at(100));
  });

  it('a renewed lease is not expired at the old expiry', () => {
    const renewed = renewLease(processingJob(), {
      attempt: 1,
      leaseMs: LEASE_MS,
      now: at(30),
    })._unsafeUnwrap();
    expect(expireLease(renewed, at(40)).isErr()).toBe(true);
    expect(expireLease(renewed, at(60)).isOk()).toBe(true);
  });

  it.each(notProcessing)('a %s job has no lease to expire', (status) => {
    expect(expireLease(jobIn[status](), at(10_000))._unsafeUnwrapErr()).toEqual({
      type: 'IllegalJobTransition',
      jobId: JOB_ID,
      from: status,
      action: 'expireLease',
    });
  });
});

describe('releaseJob', () => {
  it('processing -> queued at once, and the attempt is not counted', () => {
    const job = processingJob();
    expect(releaseJob(job, { attempt: 1, now: at(20) })._unsafeUnwrap()).toEqual({
      ...job,
      status: 'queued',
      attempts: 0,
      lease: null,
      runAt: at(20),
      progress: { stage: 'queued', percent: 0 },
      updatedAt: at(20),
      version: job.version + 1,
    });
  });

  it('the next claim is attempt 1 again', () => {
    const released = releaseJob(processingJob(), { attempt: 1, now: at(20) })._unsafeUnwrap();
    const again = claimJob(released, {
      workerId: 'worker-2',
      leaseMs: LEASE_MS,
      now: at(21),
    })._unsafeUnwrap();
    expect(again.attempts).toBe(1);
  });

  it('cancel requested -> cancelled', () => {
    const job = cancelRequestedJob();
    expect(releaseJob(job, { attempt: 1, now: at(20) })._unsafeUnwrap()).toEqual({
      ...job,
      status: 'cancelled',
      lease: null,
      finishedAt: at(20),
      updatedAt: at(20),
      version: job.version + 1,
    });
  });

  it('a wrong attempt has lost the lease', () => {
    expect(releaseJob(processingJob(), { attempt: 2, now: at(20) })._unsafeUnwrapErr()).toEqual({
      type: 'LeaseLost',
      jobId: JOB_ID,
      attempt: 2,
    });
  });

  it.each(notProcessing)('a %s job cannot be released', (status) => {
    const job = jobIn[status]();
    expect(releaseJob(job, { attempt: job.attempts, now: at(30) })._unsafeUnwrapErr()).toEqual({
      type: 'LeaseLost',
      jobId: JOB_ID,
      attempt: job.attempts,
    });
  });
});

describe('requestCancel', () => {
  it('queued -> cancelled at once', () => {
    const job = newJob();
    expect(requestCancel(job, at(5))._unsafeUnwrap()).toEqual({
      ...job,
      status: 'cancelled',
      cancelRequestedAt: at(5),
      finishedAt: at(5),
      lease: null,
      updatedAt: at(5),
      version: job.version + 1,
    });
  });

  it('processing stays processing with cancelRequestedAt set', () => {
    const job = processingJob();
    expect(requestCancel(job, at(15))._unsafeUnwrap()).toEqual({
      ...job,
      cancelRequestedAt: at(15),
      updatedAt: at(15),
      version: job.version + 1,
    });
  });

  it('asking twice is harmless: the first request time and version stay', () => {
    const once = cancelRequestedJob();
    const twice = requestCancel(once, at(50))._unsafeUnwrap();
    expect(twice).toEqual(once);
    expect(twice.cancelRequestedAt).toEqual(at(15));
  });

  it.each(['completed', 'failed', 'cancelled'] as const)('a %s job cannot be cancelled', (status) => {
    expect(requestCancel(jobIn[status](), at(100))._unsafeUnwrapErr()).toEqual({
      type: 'IllegalJobTransition',
      jobId: JOB_ID,
      from: status,
      action: 'cancel',
    });
  });
});

describe('confirmCancelled', () => {
  it('processing with a cancel requested -> cancelled', () => {
    const job = cancelRequestedJob();
    expect(confirmCancelled(job, { attempt: 1, now: at(20) })._unsafeUnwrap()).toEqual({
      ...job,
      status: 'cancelled',
      lease: null,
      finishedAt: at(20),
      updatedAt: at(20),
      version: job.version + 1,
    });
  });

  it('refuses when no cancel was requested', () => {
    expect(confirmCancelled(processingJob(), { attempt: 1, now: at(20) })._unsafeUnwrapErr()).toEqual({
      type: 'IllegalJobTransition',
      jobId: JOB_ID,
      from: 'processing',
      action: 'confirmCancelled',
    });
  });

  it('a wrong attempt has lost the lease', () => {
    expect(confirmCancelled(cancelRequestedJob(), { attempt: 2, now: at(20) })._unsafeUnwrapErr()).toEqual({
      type: 'LeaseLost',
      jobId: JOB_ID,
      attempt: 2,
    });
  });

  it.each(notProcessing)('a %s job cannot confirm a cancel', (status) => {
    const job = jobIn[status]();
    expect(confirmCancelled(job, { attempt: job.attempts, now: at(30) })._unsafeUnwrapErr()).toEqual({
      type: 'LeaseLost',
      jobId: JOB_ID,
      attempt: job.attempts,
    });
  });
});

describe('retryJob', () => {
  it.each(['failed', 'cancelled'] as const)(
    '%s -> queued with attempts 0 and the outcome cleared',
    (status) => {
      const job = jobIn[status]();
      expect(retryJob(job, at(100))._unsafeUnwrap()).toEqual({
        ...job,
        status: 'queued',
        attempts: 0,
        runAt: at(100),
        lease: null,
        progress: { stage: 'queued', percent: 0 },
        cancelRequestedAt: null,
        error: null,
        result: null,
        finishedAt: null,
        updatedAt: at(100),
        version: job.version + 1,
      });
    },
  );

  it('a retried job can be claimed again as attempt 1', () => {
    const retried = retryJob(failedJob(), at(100))._unsafeUnwrap();
    const claimed = claimJob(retried, { workerId: WORKER, leaseMs: LEASE_MS, now: at(100) })._unsafeUnwrap();
    expect(claimed.attempts).toBe(1);
  });

  it.each(['queued', 'processing', 'completed'] as const)('a %s job cannot be retried', (status) => {
    expect(retryJob(jobIn[status](), at(100))._unsafeUnwrapErr()).toEqual({
      type: 'IllegalJobTransition',
      jobId: JOB_ID,
      from: status,
      action: 'retry',
    });
  });
});

describe('immutability', () => {
  /** Every transition applied to a deep-frozen input; none may change it. */
  const transitions: readonly [string, (job: Job) => unknown][] = [
    ['claimJob', (j) => claimJob(j, { workerId: WORKER, leaseMs: LEASE_MS, now: at(1_000) })],
    ['renewLease', (j) => renewLease(j, { attempt: 1, leaseMs: LEASE_MS, now: at(25) })],
    [
      'reportProgress',
      (j) => reportProgress(j, { attempt: 1, stage: 'rendering', percent: 60, now: at(25) }),
    ],
    ['completeJob', (j) => completeJob(j, { attempt: 1, result: asset, now: at(25) })],
    ['failJob retryable', (j) => failJob(j, { attempt: 1, error: retryable, backoffMs: 1_000, now: at(25) })],
    ['failJob permanent', (j) => failJob(j, { attempt: 1, error: permanent, backoffMs: 0, now: at(25) })],
    ['expireLease', (j) => expireLease(j, at(1_000))],
    ['releaseJob', (j) => releaseJob(j, { attempt: 1, now: at(25) })],
    ['requestCancel', (j) => requestCancel(j, at(25))],
    ['confirmCancelled', (j) => confirmCancelled(j, { attempt: 1, now: at(25) })],
    ['retryJob', (j) => retryJob(j, at(1_000))],
  ];
  const inputs: readonly [string, () => Job][] = [
    ...JOB_STATUSES.map((s): [string, () => Job] => [s, jobIn[s]]),
    ['processing (cancel requested)', cancelRequestedJob],
  ];

  for (const [name, apply] of transitions) {
    it.each(inputs)(`${name} leaves a %s input unchanged`, (_label, make) => {
      const job = make();
      const snapshot = structuredClone(job);
      expect(Object.isFrozen(job)).toBe(true);
      expect(() => apply(job)).not.toThrow();
      expect(job).toEqual(snapshot);
    });
  }

  it('a successful transition returns a new object', () => {
    const job = newJob();
    const claimed = claimJob(job, { workerId: WORKER, leaseMs: LEASE_MS, now: at(10) })._unsafeUnwrap();
    expect(claimed).not.toBe(job);
    expect(job.status).toBe('queued');
  });
});

describe('a whole lifecycle', () => {
  it('queued -> processing -> queued (retry) -> processing -> completed, versions counting up', () => {
    const steps: Job[] = [newJob()];
    const last = () => steps[steps.length - 1]!;
    steps.push(claimJob(last(), { workerId: WORKER, leaseMs: LEASE_MS, now: at(10) })._unsafeUnwrap());
    steps.push(
      reportProgress(last(), { attempt: 1, stage: 'narration', percent: 20, now: at(12) })._unsafeUnwrap(),
    );
    steps.push(
      failJob(last(), { attempt: 1, error: retryable, backoffMs: 2_000, now: at(14) })._unsafeUnwrap(),
    );
    steps.push(claimJob(last(), { workerId: 'worker-2', leaseMs: LEASE_MS, now: at(16) })._unsafeUnwrap());
    steps.push(completeJob(last(), { attempt: 2, result: asset, now: at(30) })._unsafeUnwrap());
    expect(steps.map((j) => j.status)).toEqual([
      'queued',
      'processing',
      'processing',
      'queued',
      'processing',
      'completed',
    ]);
    expect(steps.map((j) => j.version)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(last()).toMatchObject({
      attempts: 2,
      startedAt: at(10),
      finishedAt: at(30),
      result: asset,
      error: null,
      progress: { stage: 'done', percent: 100 },
    });
  });
});
