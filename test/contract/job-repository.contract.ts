import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  claimJob,
  completeJob,
  createJob,
  requestCancel,
  type Job,
  type JobStatus,
} from '../../src/domain/job.js';
import type { VideoAsset } from '../../src/domain/video-asset.js';
import { VideoSpec } from '../../src/domain/video-spec.js';
import type { JobListQuery, JobRepository } from '../../src/ports/job-repository.js';

/** One fresh, empty store per test. */
export interface JobRepositorySubject {
  readonly repo: JobRepository;
  /** The store's current time (its lease clock). */
  now(): Date;
  /**
   * Moves the store's clock forward by `ms` milliseconds. Present for fake clocks; without it
   * the suite sleeps (SQL stores measure leases on the database clock).
   */
  advanceTime?(ms: number): void;
  close(): Promise<void>;
}

/** Lease used by the expiry tests, in milliseconds, and the wait that outlives it. */
const SHORT_LEASE_MS = 200;
const PAST_SHORT_LEASE_MS = 350;
/** Slack when comparing a store-clock time with the test's clock, in milliseconds. */
const CLOCK_SLACK_MS = 2_000;

const spec = VideoSpec.create({ topic: 'The Pythagorean theorem' })._unsafeUnwrap();

const fullSpec = VideoSpec.create({
  topic: 'Right triangles',
  context: 'First paragraph.\n\nSecond paragraph with ünïcödé.',
  quality: 'high',
  aspectRatio: '9:16',
  narration: false,
  voice: 'en-gb',
  language: 'en-GB',
  maxDurationSeconds: 42.5,
  useRag: true,
  rag: { sourceUploadIds: ['up_1', 'up_2'], topK: 3 },
  assets: { logoUploadId: 'logo_1', backgroundUploadId: 'bg_1' },
  configurationId: 'cfg_1',
  callbackUrl: 'https://example.com/hooks/framecast?x=1',
})._unsafeUnwrap();

const asset: VideoAsset = {
  videoKey: 'test/owner-1/job/video.mp4',
  thumbnailKey: 'test/owner-1/job/thumbnail.jpg',
  subtitlesKey: 'test/owner-1/job/subtitles.vtt',
  sizeBytes: 1_234_567,
  durationSeconds: 21.7,
  width: 1280,
  height: 720,
  fps: 30,
  videoCodec: 'h264',
  audioCodec: 'aac',
  bitrate: 455_000,
  sha256: 'a'.repeat(64),
  versionId: 'v-42',
};

const at = (base: Date, offsetMs: number): Date => new Date(base.getTime() + offsetMs);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs the {@link JobRepository} contract against one adapter: round trip, not-found,
 * optimistic concurrency, the queue (claim order, runAt, limit, concurrent claimers), leases
 * (renewal, expiry recovery), queue position and counts.
 *
 * @param adapterName shown in the suite name: `JobRepository contract [<adapterName>]`.
 * @param makeSubject makes a fresh, empty store for each test.
 */
export function describeJobRepositoryContract(
  adapterName: string,
  makeSubject: () => Promise<JobRepositorySubject>,
): void {
  describe(`JobRepository contract [${adapterName}]`, () => {
    let subject: JobRepositorySubject;
    let repo: JobRepository;
    /** A time safely in the store's past, so that jobs created at it are runnable. */
    let t0: Date;

    beforeEach(async () => {
      subject = await makeSubject();
      repo = subject.repo;
      t0 = at(subject.now(), -60_000);
    });

    afterEach(async () => {
      await subject.close();
    });

    const passTime = async (ms: number): Promise<void> => {
      if (subject.advanceTime) subject.advanceTime(ms);
      else await sleep(ms);
    };

    const newJob = (
      options: { priority?: number; createdAt?: Date; runAt?: Date; maxAttempts?: number } = {},
    ): Job => {
      const job = createJob({
        id: randomUUID(),
        ownerId: 'owner-1',
        spec,
        priority: options.priority ?? 0,
        maxAttempts: options.maxAttempts ?? 3,
        now: options.createdAt ?? t0,
      });
      return options.runAt ? { ...job, runAt: options.runAt } : job;
    };

    const insert = async (job: Job): Promise<Job> => (await repo.insert(job))._unsafeUnwrap();
    const find = async (id: string): Promise<Job> => (await repo.findById(id))._unsafeUnwrap();
    const claim = async (limit: number, leaseMs = 30_000, workerId = 'worker-1'): Promise<Job[]> =>
      (await repo.claim(workerId, leaseMs, limit))._unsafeUnwrap();

    describe('insert and findById', () => {
      it('stores a new job and reads back every field', async () => {
        const job = createJob({
          id: randomUUID(),
          ownerId: 'owner-1',
          spec: fullSpec,
          priority: 5,
          maxAttempts: 4,
          batchId: 'batch-1',
          now: new Date('2026-11-20T10:11:12.345Z'),
        });
        expect(await insert(job)).toEqual(job);
        const found = await find(job.id);
        expect(found).toEqual(job);
        expect(found.runAt).toBeInstanceOf(Date);
        expect(VideoSpec.equals(found.spec, fullSpec)).toBe(true);
      });

      it('round-trips a job with a lease, an error, a cancel request and timestamps', async () => {
        const job: Job = {
          ...newJob({ priority: -3, maxAttempts: 2 }),
          status: 'processing',
          attempts: 2,
          lease: { workerId: 'worker-9', expiresAt: new Date('2026-11-20T10:15:00.001Z') },
          progress: { stage: 'rendering', percent: 37 },
          cancelRequestedAt: new Date('2026-11-20T10:14:00.500Z'),
          error: { code: 'RENDER_FAILED', message: 'ffmpeg exited with 1 "quoted"', retryable: true },
          startedAt: new Date('2026-11-20T10:12:00.000Z'),
          updatedAt: new Date('2026-11-20T10:14:00.500Z'),
          version: 7,
        };
        await insert(job);
        expect(await find(job.id)).toEqual(job);
      });

      it('round-trips a completed job with its result (silent video, no version id)', async () => {
        const { versionId: _omit, ...withoutVersion } = asset;
        const result: VideoAsset = { ...withoutVersion, audioCodec: null };
        const job: Job = {
          ...newJob(),
          status: 'completed',
          attempts: 1,
          progress: { stage: 'done', percent: 100 },
          result,
          startedAt: at(t0, 1_000),
          finishedAt: at(t0, 9_000),
          updatedAt: at(t0, 9_000),
          version: 9,
        };
        await insert(job);
        const found = await find(job.id);
        expect(found).toEqual(job);
        expect(found.result).not.toHaveProperty('versionId');
      });

      it('keeps the result version id', async () => {
        const claimed = claimJob(newJob(), { workerId: 'w', leaseMs: 1_000, now: t0 })._unsafeUnwrap();
        const done = completeJob(claimed, { attempt: 1, result: asset, now: at(t0, 500) })._unsafeUnwrap();
        await insert(done);
        expect((await find(done.id)).result).toEqual(asset);
      });

      it('answers JobNotFound for an unknown id', async () => {
        const missing = randomUUID();
        expect((await repo.findById(missing))._unsafeUnwrapErr()).toEqual({
          type: 'JobNotFound',
          jobId: missing,
        });
      });

      it('refuses a second job with the same id (programmer error: the call rejects)', async () => {
        const job = await insert(newJob());
        await expect(async () => await repo.insert(job)).rejects.toThrow();
      });

      it('hands out copies: changing a returned job does not change the store', async () => {
        const job = await insert(newJob());
        const found = await find(job.id);
        (found as { status: JobStatus }).status = 'failed';
        found.runAt.setTime(0);
        (found.progress as { percent: number }).percent = 99;
        expect(await find(job.id)).toEqual(job);
      });
    });

    describe('update', () => {
      it('stores the next version of a job', async () => {
        const job = await insert(newJob());
        const cancelled = requestCancel(job, at(t0, 1_000))._unsafeUnwrap();
        expect(cancelled.version).toBe(2);
        expect((await repo.update(cancelled))._unsafeUnwrap()).toEqual(cancelled);
        expect(await find(job.id)).toEqual(cancelled);
      });

      it('answers VersionConflict when another writer got there first, and keeps their write', async () => {
        const job = await insert(newJob());
        const first = { ...job, priority: 1, version: 2 };
        const second = { ...job, priority: 2, version: 2 };
        (await repo.update(first))._unsafeUnwrap();
        expect((await repo.update(second))._unsafeUnwrapErr()).toEqual({
          type: 'VersionConflict',
          id: job.id,
          expectedVersion: 1,
        });
        expect(await find(job.id)).toEqual(first);
      });

      it('answers VersionConflict for a snapshot that skipped a version', async () => {
        const job = await insert(newJob());
        expect((await repo.update({ ...job, version: 3 }))._unsafeUnwrapErr()).toMatchObject({
          type: 'VersionConflict',
          expectedVersion: 2,
        });
      });

      it('answers JobNotFound for a job that was never stored', async () => {
        const job = { ...newJob(), version: 2 };
        expect((await repo.update(job))._unsafeUnwrapErr()).toEqual({ type: 'JobNotFound', jobId: job.id });
      });
    });

    describe('claim', () => {
      it('claims by priority, then oldest runAt, then oldest createdAt', async () => {
        const low = newJob({ priority: -1, createdAt: at(t0, 0) });
        const late = newJob({ priority: 0, createdAt: at(t0, 0), runAt: at(t0, 3_000) });
        const newer = newJob({ priority: 0, createdAt: at(t0, 2_000), runAt: at(t0, 1_000) });
        const older = newJob({ priority: 0, createdAt: at(t0, 1_000), runAt: at(t0, 1_000) });
        const high = newJob({ priority: 5, createdAt: at(t0, 4_000) });
        for (const job of [low, late, newer, older, high]) await insert(job);

        const claimed = await claim(10);
        expect(claimed.map((j) => j.id)).toEqual([high.id, older.id, newer.id, late.id, low.id]);
      });

      it('makes each claimed job processing under a lease of leaseMs on the store clock', async () => {
        const job = await insert(newJob());
        const before = subject.now().getTime();
        const [claimed] = await claim(1, 30_000, 'worker-7');
        const after = subject.now().getTime();
        expect(claimed).toMatchObject({
          id: job.id,
          status: 'processing',
          attempts: 1,
          progress: { stage: 'planning', percent: 0 },
          version: 2,
          error: null,
        });
        expect(claimed!.lease?.workerId).toBe('worker-7');
        const expires = claimed!.lease!.expiresAt.getTime();
        expect(expires).toBeGreaterThanOrEqual(before + 30_000 - CLOCK_SLACK_MS);
        expect(expires).toBeLessThanOrEqual(after + 30_000 + CLOCK_SLACK_MS);
        expect(claimed!.startedAt).not.toBeNull();
        expect(await find(job.id)).toEqual(claimed);
      });

      it('keeps the first startedAt when a job is claimed again', async () => {
        const startedAt = at(t0, 5_000);
        const job = await insert({
          ...newJob(),
          attempts: 1,
          startedAt,
          error: { code: 'X', message: 'm', retryable: true },
        });
        const [claimed] = await claim(1);
        expect(claimed!.startedAt).toEqual(startedAt);
        expect(claimed!.attempts).toBe(2);
        expect(claimed!.error).toEqual(job.error);
      });

      it('does not claim a job whose runAt is in the future', async () => {
        await insert(newJob({ runAt: at(subject.now(), 3_600_000) }));
        expect(await claim(10)).toEqual([]);
      });

      it('claims only queued jobs', async () => {
        const queued = await insert(newJob());
        const base = newJob();
        for (const status of ['completed', 'failed', 'cancelled'] as const)
          await insert({ ...base, id: randomUUID(), status, finishedAt: t0 });
        await insert({
          ...base,
          id: randomUUID(),
          status: 'processing',
          attempts: 1,
          lease: { workerId: 'other', expiresAt: at(subject.now(), 60_000) },
        });
        expect((await claim(10)).map((j) => j.id)).toEqual([queued.id]);
      });

      it('claims at most limit jobs and leaves the rest for the next claim', async () => {
        for (let i = 0; i < 5; i += 1) await insert(newJob({ createdAt: at(t0, i * 1_000) }));
        expect(await claim(2)).toHaveLength(2);
        expect(await claim(2)).toHaveLength(2);
        expect(await claim(2)).toHaveLength(1);
        expect(await claim(2)).toEqual([]);
        expect(await claim(0)).toEqual([]);
      });

      it('never hands the same job to two concurrent claimers', async () => {
        const jobs = Array.from({ length: 20 }, (_, i) => newJob({ createdAt: at(t0, i) }));
        for (const job of jobs) await insert(job);
        const rounds = await Promise.all(
          Array.from({ length: 10 }, async (_, worker) => {
            const mine: string[] = [];
            for (;;) {
              const batch = await claim(3, 30_000, `worker-${worker}`);
              if (batch.length === 0) return mine;
              mine.push(...batch.map((j) => j.id));
            }
          }),
        );
        const claimedIds = rounds.flat();
        expect(claimedIds).toHaveLength(20);
        expect(new Set(claimedIds).size).toBe(20);
        expect(new Set(claimedIds)).toEqual(new Set(jobs.map((j) => j.id)));
        const counts = (await repo.countByStatus())._unsafeUnwrap();
        expect(counts.processing).toBe(20);
        expect(counts.queued).toBe(0);
      });
    });

    describe('completeMany', () => {
      const completeMany = async (
        completions: readonly { jobId: string; attempt: number; result?: VideoAsset }[],
      ) => (await repo.completeMany(completions.map((c) => ({ result: asset, ...c }))))._unsafeUnwrap();

      it('completes every claimed job of a batch with its result, as the domain does', async () => {
        for (let i = 0; i < 3; i += 1) await insert(newJob({ createdAt: at(t0, i) }));
        const claimed = await claim(3, 30_000, 'worker-4');
        const other = { ...asset, videoKey: 'test/owner-1/other/video.mp4', audioCodec: null };
        const outcomes = await completeMany(
          claimed.map((j, i) => ({ jobId: j.id, attempt: j.attempts, result: i === 1 ? other : asset })),
        );
        expect(outcomes).toEqual(claimed.map((j) => ({ jobId: j.id, attempt: 1, outcome: 'completed' })));
        for (const [i, job] of claimed.entries()) {
          const stored = await find(job.id);
          const expected = completeJob(job, {
            attempt: 1,
            result: i === 1 ? other : asset,
            now: stored.finishedAt!,
          })._unsafeUnwrap();
          // Everything as the domain's transition, timestamps from the store's clock.
          expect(stored).toEqual({ ...expected, updatedAt: stored.updatedAt });
          expect(stored.finishedAt!.getTime()).toBeGreaterThanOrEqual(job.startedAt!.getTime());
          expect(stored.finishedAt!.getTime()).toBeLessThanOrEqual(subject.now().getTime() + CLOCK_SLACK_MS);
        }
        const counts = (await repo.countByStatus())._unsafeUnwrap();
        expect(counts).toMatchObject({ completed: 3, processing: 0 });
      });

      it('does nothing for an empty batch', async () => {
        const job = await insert(newJob());
        expect(await completeMany([])).toEqual([]);
        expect(await find(job.id)).toEqual(job);
      });

      it('never completes an attempt that lost its lease: stale attempts and re-claimed jobs', async () => {
        const job = await insert(newJob({ maxAttempts: 3 }));
        const [first] = await claim(1, SHORT_LEASE_MS, 'worker-slow');
        await passTime(PAST_SHORT_LEASE_MS);
        (await repo.recoverExpiredLeases())._unsafeUnwrap();
        // Recovered and queued: attempt 1 no longer holds the job.
        expect(await completeMany([{ jobId: job.id, attempt: first!.attempts }])).toEqual([
          { jobId: job.id, attempt: 1, outcome: 'lease-lost' },
        ]);
        expect((await find(job.id)).status).toBe('queued');
        const [second] = await claim(1, 30_000, 'worker-fast');
        expect(second!.attempts).toBe(2);
        const before = await find(job.id);
        // Claimed again by attempt 2: attempt 1 still cannot complete it, attempt 2 can, once.
        expect(await completeMany([{ jobId: job.id, attempt: 1 }])).toEqual([
          { jobId: job.id, attempt: 1, outcome: 'lease-lost' },
        ]);
        expect(await find(job.id)).toEqual(before);
        expect(await completeMany([{ jobId: job.id, attempt: 2 }])).toEqual([
          { jobId: job.id, attempt: 2, outcome: 'completed' },
        ]);
        const done = await find(job.id);
        expect(done).toMatchObject({ status: 'completed', attempts: 2, version: before.version + 1 });
        // A second completion of the same attempt (a retried batch) changes nothing.
        expect(await completeMany([{ jobId: job.id, attempt: 2 }])).toEqual([
          { jobId: job.id, attempt: 2, outcome: 'lease-lost' },
        ]);
        expect(await find(job.id)).toEqual(done);
      });

      it('completes part of a batch: the jobs still held, not the others', async () => {
        for (let i = 0; i < 4; i += 1) await insert(newJob({ createdAt: at(t0, i) }));
        const [a, b, c, d] = await claim(4);
        // b ended meanwhile (failed by another path), c was deleted, an unknown id, d is fine.
        const failed = {
          ...b!,
          status: 'failed' as const,
          lease: null,
          finishedAt: t0,
          version: b!.version + 1,
        };
        (await repo.update(failed))._unsafeUnwrap();
        (await repo.delete(c!.id, c!.version))._unsafeUnwrap();
        const unknown = randomUUID();
        const outcomes = await completeMany([
          { jobId: d!.id, attempt: 1 },
          { jobId: b!.id, attempt: 1 },
          { jobId: unknown, attempt: 1 },
          { jobId: c!.id, attempt: 1 },
          { jobId: a!.id, attempt: 1 },
        ]);
        expect(outcomes).toEqual([
          { jobId: d!.id, attempt: 1, outcome: 'completed' },
          { jobId: b!.id, attempt: 1, outcome: 'lease-lost' },
          { jobId: unknown, attempt: 1, outcome: 'lease-lost' },
          { jobId: c!.id, attempt: 1, outcome: 'lease-lost' },
          { jobId: a!.id, attempt: 1, outcome: 'completed' },
        ]);
        expect(await find(b!.id)).toEqual(failed);
        expect((await repo.findById(c!.id))._unsafeUnwrapErr()).toMatchObject({ type: 'JobNotFound' });
        expect((await find(a!.id)).status).toBe('completed');
        expect((await find(d!.id)).status).toBe('completed');
      });

      it('lets a cancel requested meanwhile win, and leaves a cancelled job alone', async () => {
        for (let i = 0; i < 3; i += 1) await insert(newJob({ createdAt: at(t0, i) }));
        const [asked, plain, gone] = await claim(3);
        const cancelling = requestCancel(asked!, subject.now())._unsafeUnwrap();
        (await repo.update(cancelling))._unsafeUnwrap();
        const cancelled: Job = {
          ...gone!,
          status: 'cancelled',
          lease: null,
          cancelRequestedAt: t0,
          finishedAt: t0,
          version: gone!.version + 1,
        };
        (await repo.update(cancelled))._unsafeUnwrap();
        const outcomes = await completeMany(
          [asked!, plain!, gone!].map((j) => ({ jobId: j.id, attempt: j.attempts })),
        );
        expect(outcomes.map((o) => o.outcome)).toEqual(['cancelled', 'completed', 'lease-lost']);
        const stored = await find(asked!.id);
        expect(stored).toMatchObject({
          status: 'cancelled',
          lease: null,
          result: null,
          cancelRequestedAt: cancelling.cancelRequestedAt,
          progress: asked!.progress,
          version: cancelling.version + 1,
        });
        expect(stored.finishedAt).not.toBeNull();
        expect(await find(gone!.id)).toEqual(cancelled);
      });

      it('refuses a batch naming a job twice (programmer error: the call rejects, nothing written)', async () => {
        await insert(newJob());
        const [job] = await claim(1);
        await expect(
          async () =>
            await repo.completeMany([
              { jobId: job!.id, attempt: 1, result: asset },
              { jobId: job!.id, attempt: 1, result: asset },
            ]),
        ).rejects.toThrow(/twice/);
        expect(await find(job!.id)).toEqual(job);
      });

      it('completes each job exactly once with 10 concurrent claimers completing in batches', async () => {
        const jobs = Array.from({ length: 40 }, (_, i) => newJob({ createdAt: at(t0, i) }));
        for (const job of jobs) await insert(job);
        const perWorker = await Promise.all(
          Array.from({ length: 10 }, async (_, worker) => {
            const mine: string[] = [];
            for (;;) {
              const batch = await claim(3, 30_000, `worker-${worker}`);
              if (batch.length === 0) return mine;
              const outcomes = await completeMany(batch.map((j) => ({ jobId: j.id, attempt: j.attempts })));
              for (const o of outcomes) if (o.outcome === 'completed') mine.push(o.jobId);
            }
          }),
        );
        const completed = perWorker.flat();
        expect(completed).toHaveLength(40);
        expect(new Set(completed)).toEqual(new Set(jobs.map((j) => j.id)));
        const counts = (await repo.countByStatus())._unsafeUnwrap();
        expect(counts).toMatchObject({ completed: 40, processing: 0, queued: 0 });
        for (const job of jobs) expect((await find(job.id)).attempts).toBe(1);
      });
    });

    describe('renewLease', () => {
      it('extends the lease of the attempt that holds it', async () => {
        await insert(newJob());
        const [claimed] = await claim(1, SHORT_LEASE_MS);
        const renewal = (await repo.renewLease(claimed!.id, 1, 60_000))._unsafeUnwrap();
        expect(renewal).not.toBeNull();
        expect(renewal!.cancelRequested).toBe(false);
        expect(renewal!.expiresAt.getTime()).toBeGreaterThan(claimed!.lease!.expiresAt.getTime());
        expect(renewal!.expiresAt.getTime()).toBeGreaterThanOrEqual(
          subject.now().getTime() + 60_000 - CLOCK_SLACK_MS,
        );
        const stored = await find(claimed!.id);
        expect(stored.lease).toEqual({ workerId: 'worker-1', expiresAt: renewal!.expiresAt });
        expect(stored.version).toBe(claimed!.version + 1);
      });

      it('answers null when the attempt no longer holds the job', async () => {
        const waiting = await insert(newJob());
        expect((await repo.renewLease(waiting.id, 0, 1_000))._unsafeUnwrap()).toBeNull();
        const [claimed] = await claim(1);
        expect((await repo.renewLease(claimed!.id, 2, 1_000))._unsafeUnwrap()).toBeNull();
        expect((await repo.renewLease(randomUUID(), 1, 1_000))._unsafeUnwrap()).toBeNull();
        const done = completeJob(claimed!, { attempt: 1, result: asset, now: subject.now() })._unsafeUnwrap();
        (await repo.update(done))._unsafeUnwrap();
        expect((await repo.renewLease(claimed!.id, 1, 1_000))._unsafeUnwrap()).toBeNull();
      });

      it('tells the worker that a cancel was requested', async () => {
        await insert(newJob());
        const [claimed] = await claim(1);
        const cancelling = requestCancel(claimed!, subject.now())._unsafeUnwrap();
        (await repo.update(cancelling))._unsafeUnwrap();
        const renewal = (await repo.renewLease(claimed!.id, 1, 30_000))._unsafeUnwrap();
        expect(renewal?.cancelRequested).toBe(true);
      });
    });

    describe('recoverExpiredLeases', () => {
      it('returns a job whose lease expired to the queue, counting the attempt', async () => {
        const job = await insert(newJob({ maxAttempts: 3 }));
        const [claimed] = await claim(1, SHORT_LEASE_MS, 'worker-dead');
        await passTime(PAST_SHORT_LEASE_MS);
        const recovered = (await repo.recoverExpiredLeases())._unsafeUnwrap();
        expect(recovered).toHaveLength(1);
        const back = recovered[0]!;
        expect(back).toMatchObject({
          id: job.id,
          status: 'queued',
          attempts: 1,
          lease: null,
          progress: { stage: 'queued', percent: 0 },
          finishedAt: null,
          version: claimed!.version + 1,
        });
        expect(back.error).toMatchObject({ code: 'LEASE_EXPIRED', retryable: true });
        expect(back.error!.message).toContain('worker-dead');
        expect(back.runAt.getTime()).toBeLessThanOrEqual(subject.now().getTime() + CLOCK_SLACK_MS);
        expect(await find(job.id)).toEqual(back);
        expect((await repo.recoverExpiredLeases())._unsafeUnwrap()).toEqual([]);

        const [again] = await claim(1);
        expect(again).toMatchObject({ id: job.id, attempts: 2, status: 'processing' });
        expect(again!.startedAt).toEqual(claimed!.startedAt);
      });

      it('fails a job whose attempts are used up', async () => {
        const job = await insert(newJob({ maxAttempts: 1 }));
        await claim(1, SHORT_LEASE_MS);
        await passTime(PAST_SHORT_LEASE_MS);
        const [failed] = (await repo.recoverExpiredLeases())._unsafeUnwrap();
        expect(failed).toMatchObject({ id: job.id, status: 'failed', attempts: 1, lease: null });
        expect(failed!.error?.code).toBe('LEASE_EXPIRED');
        expect(failed!.finishedAt).not.toBeNull();
        expect(await claim(1)).toEqual([]);
        expect(await find(job.id)).toEqual(failed);
      });

      it('cancels a job whose cancel was requested', async () => {
        const job = await insert(newJob());
        const [claimed] = await claim(1, SHORT_LEASE_MS);
        (await repo.update(requestCancel(claimed!, subject.now())._unsafeUnwrap()))._unsafeUnwrap();
        await passTime(PAST_SHORT_LEASE_MS);
        const [cancelled] = (await repo.recoverExpiredLeases())._unsafeUnwrap();
        expect(cancelled).toMatchObject({ id: job.id, status: 'cancelled', lease: null, error: null });
        expect(cancelled!.finishedAt).not.toBeNull();
      });

      it('leaves live leases alone', async () => {
        await insert(newJob());
        await insert(newJob());
        const [shortLived] = await claim(1, SHORT_LEASE_MS);
        const [longLived] = await claim(1, 60_000);
        await passTime(PAST_SHORT_LEASE_MS);
        const recovered = (await repo.recoverExpiredLeases())._unsafeUnwrap();
        expect(recovered.map((j) => j.id)).toEqual([shortLived!.id]);
        expect(await find(longLived!.id)).toEqual(longLived);
      });

      it('tells how long until the earliest lease expires', async () => {
        expect((await repo.msUntilNextLeaseExpiry())._unsafeUnwrap()).toBeNull();
        await insert(newJob());
        await insert(newJob());
        await claim(1, 60_000);
        await claim(1, 20_000);
        const ms = (await repo.msUntilNextLeaseExpiry())._unsafeUnwrap();
        expect(ms).toBeGreaterThan(20_000 - 5_000);
        expect(ms).toBeLessThanOrEqual(20_000);
      });

      it('answers 0 for a lease that expired already', async () => {
        await insert(newJob());
        await claim(1, SHORT_LEASE_MS);
        await passTime(PAST_SHORT_LEASE_MS);
        expect((await repo.msUntilNextLeaseExpiry())._unsafeUnwrap()).toBe(0);
      });

      it('does not recover a lease that was renewed in time', async () => {
        await insert(newJob());
        const [claimed] = await claim(1, SHORT_LEASE_MS);
        expect((await repo.renewLease(claimed!.id, 1, 60_000))._unsafeUnwrap()).not.toBeNull();
        await passTime(PAST_SHORT_LEASE_MS);
        expect((await repo.recoverExpiredLeases())._unsafeUnwrap()).toEqual([]);
      });
    });

    describe('queuePosition', () => {
      it('numbers runnable queued jobs from 1 in claim order', async () => {
        const second = await insert(newJob({ createdAt: at(t0, 1_000) }));
        const third = await insert(newJob({ createdAt: at(t0, 2_000) }));
        const first = await insert(newJob({ priority: 3, createdAt: at(t0, 3_000) }));
        const position = async (id: string) => (await repo.queuePosition(id))._unsafeUnwrap();
        expect(await position(first.id)).toBe(1);
        expect(await position(second.id)).toBe(2);
        expect(await position(third.id)).toBe(3);

        await claim(1);
        expect(await position(first.id)).toBeNull();
        expect(await position(second.id)).toBe(1);
        expect(await position(third.id)).toBe(2);
      });

      it('does not count jobs that are not runnable yet ahead of a runnable one', async () => {
        await insert(newJob({ priority: 9, runAt: at(subject.now(), 3_600_000) }));
        const runnable = await insert(newJob());
        expect((await repo.queuePosition(runnable.id))._unsafeUnwrap()).toBe(1);
      });

      it('answers null for a job that is not queued or does not exist', async () => {
        await insert(newJob());
        const [claimed] = await claim(1);
        expect((await repo.queuePosition(claimed!.id))._unsafeUnwrap()).toBeNull();
        expect((await repo.queuePosition(randomUUID()))._unsafeUnwrap()).toBeNull();
      });
    });

    describe('list', () => {
      const jobOf = (
        ownerId: string,
        createdAt: Date,
        changes: Partial<Pick<Job, 'status' | 'batchId' | 'id'>> = {},
      ): Job => ({
        ...createJob({ id: randomUUID(), ownerId, spec, maxAttempts: 3, now: createdAt }),
        ...(changes.status !== undefined && changes.status !== 'queued'
          ? { status: changes.status, finishedAt: changes.status === 'processing' ? null : createdAt }
          : {}),
        ...(changes.status === 'processing'
          ? { attempts: 1, lease: { workerId: 'w', expiresAt: at(subject.now(), 60_000) } }
          : {}),
        ...(changes.batchId !== undefined ? { batchId: changes.batchId } : {}),
        ...(changes.id !== undefined ? { id: changes.id } : {}),
      });
      const page = async (query: Partial<JobListQuery> = {}) =>
        (await repo.list({ ownerId: 'owner-1', sort: 'desc', limit: 100, ...query }))._unsafeUnwrap();
      const ids = (jobs: readonly Job[]) => jobs.map((j) => j.id);
      /** Follows nextCursor to the end, returning every page's ids. */
      const allPages = async (query: Partial<JobListQuery>): Promise<string[][]> => {
        const pages: string[][] = [];
        let cursor: string | undefined;
        do {
          const p = await page({ ...query, ...(cursor !== undefined ? { cursor } : {}) });
          pages.push(ids(p.items));
          cursor = p.nextCursor ?? undefined;
        } while (cursor !== undefined);
        return pages;
      };

      it('lists only the owner’s jobs, newest first by default order desc, every field intact', async () => {
        const mine = [0, 1, 2].map((i) => jobOf('owner-1', at(t0, i * 1_000)));
        const theirs = jobOf('owner-2', at(t0, 500));
        for (const job of [...mine, theirs]) await insert(job);
        const listed = await page();
        expect(listed).toEqual({ items: [...mine].reverse(), nextCursor: null });
        expect(ids((await page({ sort: 'asc' })).items)).toEqual(ids(mine));
      });

      it('lists every owner’s jobs when ownerId is null', async () => {
        const a = await insert(jobOf('owner-1', at(t0, 1)));
        const b = await insert(jobOf('owner-2', at(t0, 2)));
        expect(ids((await page({ ownerId: null, sort: 'asc' })).items)).toEqual([a.id, b.id]);
      });

      it('filters by one or several statuses, batch and creation window (after inclusive, before exclusive)', async () => {
        const queued = await insert(jobOf('owner-1', at(t0, 0)));
        const failed = await insert(jobOf('owner-1', at(t0, 1_000), { status: 'failed' }));
        const done = await insert(jobOf('owner-1', at(t0, 2_000), { status: 'completed', batchId: 'b-1' }));
        const running = await insert(
          jobOf('owner-1', at(t0, 3_000), { status: 'processing', batchId: 'b-1' }),
        );
        expect(ids((await page({ statuses: ['failed'] })).items)).toEqual([failed.id]);
        expect(ids((await page({ statuses: ['queued', 'completed'], sort: 'asc' })).items)).toEqual([
          queued.id,
          done.id,
        ]);
        expect(ids((await page({ statuses: [] })).items)).toHaveLength(4);
        expect(ids((await page({ batchId: 'b-1', sort: 'asc' })).items)).toEqual([done.id, running.id]);
        expect(
          ids((await page({ createdAfter: at(t0, 1_000), createdBefore: at(t0, 3_000), sort: 'asc' })).items),
        ).toEqual([failed.id, done.id]);
        expect(ids((await page({ batchId: 'b-1', statuses: ['processing'] })).items)).toEqual([running.id]);
      });

      it('pages with an opaque cursor in both directions, ties in time broken by id', async () => {
        const jobs = Array.from({ length: 7 }, (_, i) =>
          jobOf('owner-1', at(t0, Math.floor(i / 2) * 1_000), { id: `job-${String(i).padStart(2, '0')}` }),
        );
        for (const job of [...jobs].reverse()) await insert(job);
        expect(await allPages({ sort: 'asc', limit: 3 })).toEqual([
          ['job-00', 'job-01', 'job-02'],
          ['job-03', 'job-04', 'job-05'],
          ['job-06'],
        ]);
        expect(await allPages({ sort: 'desc', limit: 2 })).toEqual([
          ['job-06', 'job-05'],
          ['job-04', 'job-03'],
          ['job-02', 'job-01'],
          ['job-00'],
        ]);
        // A last page that is exactly full ends without a cursor.
        expect(await allPages({ sort: 'asc', limit: 7 })).toEqual([ids(jobs)]);
      });

      it('keeps pages stable while jobs are inserted: no duplicates, no gaps', async () => {
        const jobs = Array.from({ length: 6 }, (_, i) => jobOf('owner-1', at(t0, i * 1_000)));
        for (const job of jobs) await insert(job);
        const first = await page({ limit: 2 });
        expect(ids(first.items)).toEqual([jobs[5]!.id, jobs[4]!.id]);
        // Newer jobs arrive while the client pages through older ones.
        await insert(jobOf('owner-1', at(t0, 10_000)));
        await insert(jobOf('owner-1', at(t0, 4_500)));
        const seen = [...ids(first.items)];
        let cursor = first.nextCursor;
        while (cursor !== null) {
          const next = await page({ limit: 2, cursor });
          seen.push(...ids(next.items));
          cursor = next.nextCursor;
        }
        expect(seen.slice(0, 2)).toEqual([jobs[5]!.id, jobs[4]!.id]);
        expect(seen.slice(2)).toEqual([jobs[3]!, jobs[2]!, jobs[1]!, jobs[0]!].map((j) => j.id));
      });

      it('clamps the page size to 1–100', async () => {
        for (let i = 0; i < 3; i += 1) await insert(jobOf('owner-1', at(t0, i)));
        expect((await page({ limit: 0 })).items).toHaveLength(1);
        expect((await page({ limit: 1_000 })).items).toHaveLength(3);
      });

      it('answers InvalidCursor for a cursor it did not make or made for the other order', async () => {
        for (let i = 0; i < 3; i += 1) await insert(jobOf('owner-1', at(t0, i)));
        const { nextCursor } = await page({ limit: 1, sort: 'desc' });
        expect(nextCursor).toEqual(expect.any(String));
        for (const cursor of ['garbage!', 'Zm9v', nextCursor!.slice(0, -2), '']) {
          expect(
            (await repo.list({ ownerId: 'owner-1', sort: 'desc', limit: 5, cursor }))._unsafeUnwrapErr(),
          ).toEqual({ type: 'InvalidCursor', cursor: cursor.slice(0, 64) });
        }
        expect(
          (
            await repo.list({ ownerId: 'owner-1', sort: 'asc', limit: 5, cursor: nextCursor! })
          )._unsafeUnwrapErr(),
        ).toMatchObject({ type: 'InvalidCursor' });
      });
    });

    describe('delete', () => {
      it('deletes a job at its stored version', async () => {
        const job = await insert(newJob());
        const other = await insert(newJob());
        (await repo.delete(job.id, job.version))._unsafeUnwrap();
        expect((await repo.findById(job.id))._unsafeUnwrapErr()).toEqual({
          type: 'JobNotFound',
          jobId: job.id,
        });
        expect(await find(other.id)).toEqual(other);
      });

      it('keeps a job that changed meanwhile (VersionConflict) and answers JobNotFound for a missing one', async () => {
        const job = await insert(newJob());
        const [claimed] = await claim(1);
        expect((await repo.delete(job.id, job.version))._unsafeUnwrapErr()).toEqual({
          type: 'VersionConflict',
          id: job.id,
          expectedVersion: job.version,
        });
        expect(await find(job.id)).toEqual(claimed);
        const missing = randomUUID();
        expect((await repo.delete(missing, 1))._unsafeUnwrapErr()).toEqual({
          type: 'JobNotFound',
          jobId: missing,
        });
      });
    });

    describe('statsForOwner', () => {
      const finished = (ownerId: string, startedMs: number, seconds: number, sizeBytes: number): Job => ({
        ...createJob({ id: randomUUID(), ownerId, spec, maxAttempts: 3, now: at(t0, startedMs - 500) }),
        status: 'completed',
        attempts: 1,
        progress: { stage: 'done', percent: 100 },
        result: { ...asset, sizeBytes },
        startedAt: at(t0, startedMs),
        finishedAt: at(t0, startedMs + seconds * 1_000),
        updatedAt: at(t0, startedMs + seconds * 1_000),
      });

      it('answers zeros and nulls for an owner without jobs', async () => {
        expect((await repo.statsForOwner('nobody', t0))._unsafeUnwrap()).toEqual({
          counts: { queued: 0, processing: 0, completed: 0, failed: 0, cancelled: 0 },
          total: 0,
          completedSince: 0,
          averageProcessingSeconds: null,
          p95ProcessingSeconds: null,
          storedBytes: 0,
        });
      });

      it('counts by status, completed since a time, processing seconds (mean, p95) and stored bytes', async () => {
        const durations = [10, 20, 30, 40, 100];
        for (const [i, seconds] of durations.entries())
          await insert(finished('owner-1', i * 1_000_000, seconds, 1_000 * (i + 1)));
        await insert(newJob());
        await insert({
          ...newJob(),
          status: 'failed',
          finishedAt: t0,
          error: { code: 'X', message: 'm', retryable: false },
        });
        await insert(finished('owner-2', 0, 999, 1_000_000));

        const stats = (await repo.statsForOwner('owner-1', at(t0, 2_000_000)))._unsafeUnwrap();
        expect(stats).toMatchObject({
          counts: { queued: 1, processing: 0, completed: 5, failed: 1, cancelled: 0 },
          total: 7,
          completedSince: 3,
          storedBytes: 15_000,
        });
        expect(stats.averageProcessingSeconds).toBeCloseTo(40, 6);
        // percentile_cont(0.95) over [10, 20, 30, 40, 100]: 40 + 0.8 * (100 - 40).
        expect(stats.p95ProcessingSeconds).toBeCloseTo(88, 6);
      });
    });

    describe('countByStatus and ping', () => {
      it('counts every status, zeros included', async () => {
        expect((await repo.countByStatus())._unsafeUnwrap()).toEqual({
          queued: 0,
          processing: 0,
          completed: 0,
          failed: 0,
          cancelled: 0,
        });
        for (let i = 0; i < 4; i += 1) await insert(newJob({ createdAt: at(t0, i) }));
        const cancelled = await insert(newJob({ createdAt: at(t0, 10) }));
        (await repo.update(requestCancel(cancelled, subject.now())._unsafeUnwrap()))._unsafeUnwrap();
        await claim(2);
        expect((await repo.countByStatus())._unsafeUnwrap()).toEqual({
          queued: 2,
          processing: 2,
          completed: 0,
          failed: 0,
          cancelled: 1,
        });
      });

      it('answers ping', async () => {
        expect((await repo.ping()).isOk()).toBe(true);
      });
    });
  });
}
