import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { claimJob, completeJob, createJob, failJob, requestCancel, type Job } from '../../src/domain/job.js';
import { VideoSpec } from '../../src/domain/video-spec.js';
import type { JobRepository } from '../../src/ports/job-repository.js';
import type { WebhookDeliveryRepository } from '../../src/ports/webhook-delivery-repository.js';

/** One fresh, empty store per test; times are the real clock (SQL stores use `now()`). */
export interface WebhookDeliveryRepositorySubject {
  readonly repo: WebhookDeliveryRepository;
  /** Jobs of the same store: the outbox query reads them. */
  readonly jobs: JobRepository;
  close(): Promise<void>;
}

const CALLBACK = 'https://hooks.example.com/framecast';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const result = {
  videoKey: 'k/video.mp4',
  thumbnailKey: 'k/thumbnail.jpg',
  subtitlesKey: 'k/subtitles.vtt',
  sizeBytes: 1000,
  durationSeconds: 10,
  width: 1280,
  height: 720,
  fps: 30,
  videoCodec: 'h264',
  audioCodec: 'aac',
  bitrate: 800_000,
  sha256: 'a'.repeat(64),
};

/**
 * Runs the {@link WebhookDeliveryRepository} contract against one adapter: the outbox query
 * (terminal jobs with a callback URL only, once per event, derived ids), claim order, leases and
 * exclusivity, fenced marks, payload freezing, listing per job.
 */
export function describeWebhookDeliveryRepositoryContract(
  adapterName: string,
  makeSubject: () => Promise<WebhookDeliveryRepositorySubject>,
): void {
  describe(`WebhookDeliveryRepository contract [${adapterName}]`, () => {
    let subject: WebhookDeliveryRepositorySubject;
    let repo: WebhookDeliveryRepository;

    beforeEach(async () => {
      subject = await makeSubject();
      repo = subject.repo;
    });
    afterEach(async () => {
      await subject.close();
    });

    /** Stores a job and moves it to `status`. */
    const storedJob = async (
      status: 'queued' | 'processing' | 'completed' | 'failed' | 'cancelled',
      callbackUrl: string | null = CALLBACK,
      ownerId = 'owner-1',
    ): Promise<Job> => {
      const spec = VideoSpec.create({
        topic: 'Webhooks',
        ...(callbackUrl !== null ? { callbackUrl } : {}),
      })._unsafeUnwrap();
      const now = new Date();
      let job = createJob({ id: randomUUID(), ownerId, spec, maxAttempts: 1, now });
      job = (await subject.jobs.insert(job))._unsafeUnwrap();
      if (status === 'queued') return job;
      if (status === 'cancelled')
        return (await subject.jobs.update(requestCancel(job, now)._unsafeUnwrap()))._unsafeUnwrap();
      job = (
        await subject.jobs.update(claimJob(job, { workerId: 'w', leaseMs: 60_000, now })._unsafeUnwrap())
      )._unsafeUnwrap();
      if (status === 'processing') return job;
      const next =
        status === 'completed'
          ? completeJob(job, { attempt: 1, result, now })
          : failJob(job, {
              attempt: 1,
              error: { code: 'RENDER_FAILED', message: 'boom', retryable: false },
              backoffMs: 0,
              now,
            });
      return (await subject.jobs.update(next._unsafeUnwrap()))._unsafeUnwrap();
    };

    it('enqueues one pending delivery per finished job with a callback URL, and only once', async () => {
      const completed = await storedJob('completed', CALLBACK, 'owner-9');
      const failed = await storedJob('failed');
      const cancelled = await storedJob('cancelled');
      await storedJob('queued');
      await storedJob('processing');
      await storedJob('completed', null);

      expect((await repo.enqueueForFinishedJobs())._unsafeUnwrap()).toBe(3);
      expect((await repo.enqueueForFinishedJobs())._unsafeUnwrap()).toBe(0);

      const [delivery, ...others] = (await repo.listForJob(completed.id))._unsafeUnwrap();
      expect(others).toEqual([]);
      expect(delivery).toMatchObject({
        jobId: completed.id,
        ownerId: 'owner-9',
        url: CALLBACK,
        eventType: 'job.completed',
        payload: null,
        status: 'pending',
        attempts: 0,
        lastStatusCode: null,
        lastError: null,
        deliveredAt: null,
      });
      expect(delivery!.id).toMatch(/^msg_[0-9a-f]{32}$/);
      expect(delivery!.nextAttemptAt).toBeInstanceOf(Date);
      expect((await repo.listForJob(failed.id))._unsafeUnwrap().map((d) => d.eventType)).toEqual([
        'job.failed',
      ]);
      expect((await repo.listForJob(cancelled.id))._unsafeUnwrap().map((d) => d.eventType)).toEqual([
        'job.cancelled',
      ]);
      expect((await repo.listForJob('no-such-job'))._unsafeUnwrap()).toEqual([]);
    });

    it('derives the delivery id from the job and event (the same in every store)', async () => {
      const job = await storedJob('completed');
      await repo.enqueueForFinishedJobs();
      const { createHash } = await import('node:crypto');
      const expected = `msg_${createHash('md5').update(`${job.id}|job.completed`).digest('hex')}`;
      expect((await repo.listForJob(job.id))._unsafeUnwrap()[0]!.id).toBe(expected);
    });

    it('enqueues concurrently without duplicates', async () => {
      for (let i = 0; i < 5; i += 1) await storedJob('completed');
      const counts = await Promise.all(Array.from({ length: 4 }, () => repo.enqueueForFinishedJobs()));
      expect(counts.map((c) => c._unsafeUnwrap()).reduce((a, b) => a + b, 0)).toBe(5);
    });

    it('claims due deliveries oldest first, counting the attempt and leasing them', async () => {
      const first = await storedJob('completed');
      await repo.enqueueForFinishedJobs();
      await sleep(5);
      const second = await storedJob('failed');
      await repo.enqueueForFinishedJobs();

      const claimed = (await repo.claimDue(10, 60_000))._unsafeUnwrap();
      expect(claimed.map((d) => [d.jobId, d.attempts])).toEqual([
        [first.id, 1],
        [second.id, 1],
      ]);
      expect(claimed[0]!.nextAttemptAt!.getTime()).toBeGreaterThan(Date.now() + 50_000);
      // Leased: not due again.
      expect((await repo.claimDue(10, 60_000))._unsafeUnwrap()).toEqual([]);
    });

    it('honours the limit, and a claim whose lease ran out is due again', async () => {
      await storedJob('completed');
      await storedJob('completed');
      await repo.enqueueForFinishedJobs();
      expect((await repo.claimDue(1, 50))._unsafeUnwrap()).toHaveLength(1);
      expect((await repo.claimDue(0, 50))._unsafeUnwrap()).toEqual([]);
      await sleep(120);
      const again = (await repo.claimDue(10, 50))._unsafeUnwrap();
      expect(again.map((d) => d.attempts).sort()).toEqual([1, 2]);
    });

    it('never gives one delivery to two concurrent claimers', async () => {
      for (let i = 0; i < 8; i += 1) await storedJob('completed');
      await repo.enqueueForFinishedJobs();
      const batches = await Promise.all(Array.from({ length: 4 }, () => repo.claimDue(3, 60_000)));
      const ids = batches.flatMap((b) => b._unsafeUnwrap().map((d) => d.id));
      expect(ids).toHaveLength(8);
      expect(new Set(ids).size).toBe(8);
    });

    it('marks delivered, freezing the payload; a settled delivery is not claimed again', async () => {
      const job = await storedJob('completed');
      await repo.enqueueForFinishedJobs();
      const [d] = (await repo.claimDue(1, 60_000))._unsafeUnwrap();
      expect(
        (
          await repo.markDelivered(d!.id, { attempt: 1, payload: '{"a":1}', statusCode: 204 })
        )._unsafeUnwrap(),
      ).toBe(true);
      const [stored] = (await repo.listForJob(job.id))._unsafeUnwrap();
      expect(stored).toMatchObject({
        status: 'delivered',
        attempts: 1,
        payload: '{"a":1}',
        lastStatusCode: 204,
        lastError: null,
        nextAttemptAt: null,
      });
      expect(stored!.deliveredAt).toBeInstanceOf(Date);
      expect((await repo.claimDue(10, 0))._unsafeUnwrap()).toEqual([]);
      // Settled: a late mark changes nothing.
      expect(
        (
          await repo.markFailed(d!.id, { attempt: 1, payload: null, statusCode: null, error: 'late' })
        )._unsafeUnwrap(),
      ).toBe(false);
    });

    it('schedules a retry keeping the first payload, then fails for good', async () => {
      const job = await storedJob('failed');
      await repo.enqueueForFinishedJobs();
      const [d] = (await repo.claimDue(1, 60_000))._unsafeUnwrap();
      const soon = new Date(Date.now() + 30);
      expect(
        (
          await repo.markRetry(d!.id, {
            attempt: 1,
            payload: '{"first":true}',
            statusCode: 500,
            nextAttemptAt: soon,
            error: 'receiver answered HTTP 500',
          })
        )._unsafeUnwrap(),
      ).toBe(true);
      let [stored] = (await repo.listForJob(job.id))._unsafeUnwrap();
      expect(stored).toMatchObject({
        status: 'pending',
        attempts: 1,
        lastStatusCode: 500,
        lastError: 'receiver answered HTTP 500',
        payload: '{"first":true}',
      });
      expect(stored!.nextAttemptAt!.getTime()).toBe(soon.getTime());
      expect((await repo.claimDue(1, 60_000))._unsafeUnwrap()).toEqual([]);
      await sleep(80);
      const [again] = (await repo.claimDue(1, 60_000))._unsafeUnwrap();
      expect(again).toMatchObject({ id: d!.id, attempts: 2, payload: '{"first":true}' });
      expect(
        (
          await repo.markFailed(d!.id, {
            attempt: 2,
            payload: '{"second":true}',
            statusCode: null,
            error: 'no answer: ECONNREFUSED',
          })
        )._unsafeUnwrap(),
      ).toBe(true);
      [stored] = (await repo.listForJob(job.id))._unsafeUnwrap();
      expect(stored).toMatchObject({
        status: 'failed',
        attempts: 2,
        payload: '{"first":true}',
        lastStatusCode: null,
        lastError: 'no answer: ECONNREFUSED',
        nextAttemptAt: null,
        deliveredAt: null,
      });
    });

    it('refuses marks of an attempt that no longer holds the delivery', async () => {
      const job = await storedJob('completed');
      await repo.enqueueForFinishedJobs();
      const [d] = (await repo.claimDue(1, 10))._unsafeUnwrap();
      await sleep(60);
      (await repo.claimDue(1, 60_000))._unsafeUnwrap(); // attempt 2 takes over
      expect(
        (await repo.markDelivered(d!.id, { attempt: 1, payload: '{}', statusCode: 200 }))._unsafeUnwrap(),
      ).toBe(false);
      expect((await repo.listForJob(job.id))._unsafeUnwrap()[0]).toMatchObject({
        status: 'pending',
        attempts: 2,
        payload: null,
      });
      expect(
        (
          await repo.markDelivered('no-such-delivery', { attempt: 1, payload: '{}', statusCode: 200 })
        )._unsafeUnwrap(),
      ).toBe(false);
    });
  });
}
