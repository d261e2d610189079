import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createJob, type Job, type JobStatus } from '../../src/domain/job.js';
import { VideoSpec } from '../../src/domain/video-spec.js';
import type { JobRepository } from '../../src/ports/job-repository.js';
import type { JobRepositorySubject } from './job-repository.contract.js';

const spec = VideoSpec.create({ topic: 'Statistics' })._unsafeUnwrap();
const HOUR_MS = 3_600_000;
/** Slack when comparing the store's clock with the test's, in ms. */
const CLOCK_SLACK_MS = 2_000;

const at = (base: Date, offsetMs: number): Date => new Date(base.getTime() + offsetMs);

/**
 * The operations aggregates of {@link JobRepository}: `throughputStats` (jobs finished in a window,
 * processing-time percentiles as PostgreSQL's `percentile_cont`) and `queueSnapshot` (counts,
 * runnable vs delayed, oldest queued, running leases, active workers). Rows are written whole with
 * `insert`, timed relative to the store's clock.
 */
export function describeJobStatisticsContract(
  adapterName: string,
  makeSubject: () => Promise<JobRepositorySubject>,
): void {
  describe(`JobRepository statistics contract [${adapterName}]`, () => {
    let subject: JobRepositorySubject;
    let repo: JobRepository;
    let now: Date;

    beforeEach(async () => {
      subject = await makeSubject();
      repo = subject.repo;
      now = subject.now();
    });
    afterEach(async () => {
      await subject.close();
    });

    /** Inserts a job in `status`, created `ageMs` ago, with the given timing fields. */
    const put = async (
      status: JobStatus,
      fields: {
        ageMs?: number;
        startedAgoMs?: number;
        finishedAgoMs?: number;
        runAtOffsetMs?: number;
        worker?: string;
        leaseMs?: number;
        attempts?: number;
      } = {},
    ): Promise<Job> => {
      const created = at(now, -(fields.ageMs ?? 60_000));
      const base = createJob({ id: randomUUID(), ownerId: 'owner-1', spec, maxAttempts: 3, now: created });
      const job: Job = {
        ...base,
        status,
        attempts: fields.attempts ?? (status === 'queued' ? 0 : 1),
        runAt: fields.runAtOffsetMs === undefined ? created : at(now, fields.runAtOffsetMs),
        startedAt: fields.startedAgoMs === undefined ? null : at(now, -fields.startedAgoMs),
        finishedAt: fields.finishedAgoMs === undefined ? null : at(now, -fields.finishedAgoMs),
        lease:
          fields.worker === undefined
            ? null
            : { workerId: fields.worker, expiresAt: at(now, fields.leaseMs ?? 30_000) },
        progress: status === 'processing' ? { stage: 'rendering', percent: 40 } : base.progress,
      };
      return (await repo.insert(job))._unsafeUnwrap();
    };

    describe('throughputStats', () => {
      it('is empty (null percentiles) without finished jobs', async () => {
        await put('queued');
        await put('processing', { startedAgoMs: 5_000, worker: 'w1' });
        const stats = (await repo.throughputStats(HOUR_MS))._unsafeUnwrap();
        expect(stats.windowMs).toBe(HOUR_MS);
        expect(Math.abs(stats.asOf.getTime() - now.getTime())).toBeLessThan(CLOCK_SLACK_MS);
        expect(stats.finished).toEqual({ completed: 0, failed: 0, cancelled: 0 });
        expect(stats.processingSeconds).toEqual({ p50: null, p95: null, mean: null, max: null });
      });

      it('counts jobs finished in the window by status and interpolates percentiles of completed ones', async () => {
        // Completed in the window with processing times 10, 20, 30, 40 s.
        for (const seconds of [10, 20, 30, 40])
          await put('completed', { startedAgoMs: 60_000 + seconds * 1000, finishedAgoMs: 60_000 });
        await put('failed', { startedAgoMs: 120_000, finishedAgoMs: 100_000 });
        await put('cancelled', { finishedAgoMs: 30_000 });
        // Outside the window: finished two hours ago.
        await put('completed', { startedAgoMs: 2 * HOUR_MS + 500_000, finishedAgoMs: 2 * HOUR_MS });
        await put('failed', { startedAgoMs: 3 * HOUR_MS, finishedAgoMs: 2 * HOUR_MS });

        const stats = (await repo.throughputStats(HOUR_MS))._unsafeUnwrap();
        expect(stats.finished).toEqual({ completed: 4, failed: 1, cancelled: 1 });
        // percentile_cont: p50 of [10,20,30,40] = 25; p95 = 30 + 0.85 * 10 = 38.5.
        expect(stats.processingSeconds.p50).toBeCloseTo(25, 6);
        expect(stats.processingSeconds.p95).toBeCloseTo(38.5, 6);
        expect(stats.processingSeconds.mean).toBeCloseTo(25, 6);
        expect(stats.processingSeconds.max).toBeCloseTo(40, 6);
        expect(typeof stats.processingSeconds.p50).toBe('number');
      });

      it('honours the window length', async () => {
        await put('completed', { startedAgoMs: 11 * 60_000, finishedAgoMs: 10 * 60_000 });
        await put('completed', { startedAgoMs: 3 * 60_000, finishedAgoMs: 2 * 60_000 });
        const stats = (await repo.throughputStats(5 * 60_000))._unsafeUnwrap();
        expect(stats.finished.completed).toBe(1);
        expect(stats.processingSeconds.p50).toBeCloseTo(60, 6);
      });
    });

    describe('queueSnapshot', () => {
      it('answers zeros and empty lists for an empty store', async () => {
        const snap = (await repo.queueSnapshot(10))._unsafeUnwrap();
        expect(snap.counts).toEqual({ queued: 0, processing: 0, completed: 0, failed: 0, cancelled: 0 });
        expect(snap).toMatchObject({
          runnable: 0,
          delayed: 0,
          oldestQueuedAt: null,
          running: [],
          activeWorkers: [],
        });
      });

      it('splits runnable from delayed queued jobs and finds the oldest queued job', async () => {
        const oldest = await put('queued', { ageMs: 600_000 });
        await put('queued', { ageMs: 10_000 });
        await put('queued', { ageMs: 20_000, runAtOffsetMs: 300_000 }); // retry backoff
        await put('completed', { ageMs: 900_000, startedAgoMs: 800_000, finishedAgoMs: 700_000 });
        const snap = (await repo.queueSnapshot(10))._unsafeUnwrap();
        expect(snap.counts).toEqual({ queued: 3, processing: 0, completed: 1, failed: 0, cancelled: 0 });
        expect(snap.runnable).toBe(2);
        expect(snap.delayed).toBe(1);
        expect(snap.oldestQueuedAt?.getTime()).toBe(oldest.createdAt.getTime());
        expect(Math.abs(snap.asOf.getTime() - now.getTime())).toBeLessThan(CLOCK_SLACK_MS);
      });

      it('lists running jobs oldest start first with their leases, up to the limit, and the distinct workers', async () => {
        const a = await put('processing', {
          startedAgoMs: 30_000,
          worker: 'worker-b',
          leaseMs: 20_000,
          attempts: 2,
        });
        const b = await put('processing', { startedAgoMs: 50_000, worker: 'worker-a', leaseMs: 10_000 });
        await put('processing', { startedAgoMs: 10_000, worker: 'worker-a', leaseMs: 25_000 });
        const snap = (await repo.queueSnapshot(2))._unsafeUnwrap();
        expect(snap.counts.processing).toBe(3);
        expect(snap.running.map((r) => r.jobId)).toEqual([b.id, a.id]);
        expect(snap.running[1]).toEqual({
          jobId: a.id,
          ownerId: 'owner-1',
          attempt: 2,
          workerId: 'worker-b',
          leaseExpiresAt: a.lease!.expiresAt,
          stage: 'rendering',
          percent: 40,
          startedAt: a.startedAt,
        });
        expect(snap.activeWorkers).toEqual(['worker-a', 'worker-b']);
      });
    });
  });
}
