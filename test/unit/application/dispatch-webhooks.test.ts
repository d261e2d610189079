import { errAsync } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import { FixedClock } from '../../../src/adapters/memory/fixed-clock.js';
import { InMemoryJobEventRepository } from '../../../src/adapters/memory/in-memory-job-event-repository.js';
import { InMemoryJobRepository } from '../../../src/adapters/memory/in-memory-job-repository.js';
import { InMemoryWebhookDeliveryRepository } from '../../../src/adapters/memory/in-memory-webhook-delivery-repository.js';
import { DispatchWebhooks, webhookEventBody } from '../../../src/application/dispatch-webhooks.js';
import { GetJobMetadata } from '../../../src/application/get-job-metadata.js';
import { claimJob, completeJob, createJob, failJob, type Job } from '../../../src/domain/job.js';
import { VideoSpec } from '../../../src/domain/video-spec.js';
import { presentJob } from '../../../src/http/job-presenter.js';
import type { JobRepository } from '../../../src/ports/job-repository.js';
import type { WebhookDeliveryRepository } from '../../../src/ports/webhook-delivery-repository.js';
import { RecordingLogger } from '../../support/application-fixture.js';
import { ScriptedWebhookSender, type ScriptedAnswer } from '../../support/scripted-webhook-sender.js';

const CALLBACK = 'https://hooks.example.com/framecast';
const T0 = new Date('2026-11-21T10:00:00.000Z');
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

function setup(
  script: ScriptedAnswer[] = [200],
  options: {
    wrapJobs?: (jobs: InMemoryJobRepository) => JobRepository;
    wrapDeliveries?: (d: WebhookDeliveryRepository) => WebhookDeliveryRepository;
  } = {},
) {
  const clock = new FixedClock(T0);
  const jobs = new InMemoryJobRepository(clock);
  const deliveries = new InMemoryWebhookDeliveryRepository(() => jobs.snapshot(), clock);
  const sender = new ScriptedWebhookSender(script);
  const logger = new RecordingLogger();
  const dispatch = new DispatchWebhooks({
    deliveries: options.wrapDeliveries?.(deliveries) ?? deliveries,
    jobs: options.wrapJobs?.(jobs) ?? jobs,
    sender,
    clock,
    logger,
    presentJob: (job) => presentJob(job),
    random: () => 0.5,
    settings: { batchSize: 10, leaseMs: 40_000, retryScheduleMs: [1_000, 5_000], jitter: 0.2 },
  });
  /** Stores a job with `callbackUrl` (or none) and finishes it as `status`. */
  const finishedJob = async (
    status: 'completed' | 'failed' | 'processing',
    callbackUrl: string | null = CALLBACK,
  ): Promise<Job> => {
    const spec = VideoSpec.create({
      topic: 'Hooks',
      ...(callbackUrl !== null ? { callbackUrl } : {}),
    })._unsafeUnwrap();
    let job = (
      await jobs.insert(
        createJob({ id: `job-${Math.random()}`, ownerId: 'alice', spec, maxAttempts: 1, now: clock.now() }),
      )
    )._unsafeUnwrap();
    job = (
      await jobs.update(claimJob(job, { workerId: 'w', leaseMs: 60_000, now: clock.now() })._unsafeUnwrap())
    )._unsafeUnwrap();
    if (status === 'processing') return job;
    const next =
      status === 'completed'
        ? completeJob(job, { attempt: 1, result, now: clock.now() })
        : failJob(job, {
            attempt: 1,
            error: { code: 'RENDER_FAILED', message: 'ffmpeg exited with 1', retryable: false },
            backoffMs: 0,
            now: clock.now(),
          });
    return (await jobs.update(next._unsafeUnwrap()))._unsafeUnwrap();
  };
  return { clock, jobs, deliveries, sender, logger, dispatch, finishedJob };
}

describe('DispatchWebhooks', () => {
  it("POSTs a finished job's event once, with the API's job view, and records the delivery", async () => {
    const f = setup([204]);
    const job = await f.finishedJob('completed');
    await f.finishedJob('completed', null); // no callback URL: no event
    await f.finishedJob('processing'); // not finished: no event yet

    expect((await f.dispatch.execute())._unsafeUnwrap()).toEqual({
      enqueued: 1,
      attempted: 1,
      delivered: 1,
      retrying: 0,
      failed: 0,
    });
    expect(f.sender.requests).toHaveLength(1);
    const [request] = f.sender.requests;
    expect(request!.url).toBe(CALLBACK);
    expect(request!.id).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(request!.timestamp).toEqual(T0);
    expect(JSON.parse(request!.body)).toEqual({
      type: 'job.completed',
      timestamp: T0.toISOString(),
      data: { job: JSON.parse(JSON.stringify(presentJob(job))) },
    });
    expect(JSON.parse(request!.body).data.job).toMatchObject({ id: job.id, status: 'completed' });
    expect((await f.deliveries.listForJob(job.id))._unsafeUnwrap()).toEqual([
      {
        id: request!.id,
        jobId: job.id,
        ownerId: 'alice',
        url: CALLBACK,
        eventType: 'job.completed',
        payload: request!.body,
        status: 'delivered',
        attempts: 1,
        nextAttemptAt: null,
        lastStatusCode: 204,
        lastError: null,
        createdAt: T0,
        deliveredAt: T0,
      },
    ]);
    // Nothing more to do.
    expect((await f.dispatch.execute())._unsafeUnwrap()).toMatchObject({ enqueued: 0, attempted: 0 });
    expect(f.sender.requests).toHaveLength(1);
  });

  it('retries on a non-2xx answer or no answer along the schedule, with the same id and body, then fails', async () => {
    const f = setup([
      500,
      { type: 'WebhookUnreachable', reason: 'ECONNRESET connecting to hooks.example.com' },
      503,
    ]);
    const job = await f.finishedJob('failed');

    expect((await f.dispatch.execute())._unsafeUnwrap()).toMatchObject({ attempted: 1, retrying: 1 });
    let [d] = (await f.deliveries.listForJob(job.id))._unsafeUnwrap();
    expect(d).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastStatusCode: 500,
      lastError: 'receiver answered HTTP 500',
      nextAttemptAt: new Date(T0.getTime() + 1_000),
    });

    f.clock.advance(999);
    expect((await f.dispatch.execute())._unsafeUnwrap()).toMatchObject({ attempted: 0 });
    f.clock.advance(1);
    expect((await f.dispatch.execute())._unsafeUnwrap()).toMatchObject({ attempted: 1, retrying: 1 });
    [d] = (await f.deliveries.listForJob(job.id))._unsafeUnwrap();
    expect(d).toMatchObject({
      attempts: 2,
      lastStatusCode: null,
      lastError: 'no answer: ECONNRESET connecting to hooks.example.com',
      nextAttemptAt: new Date(T0.getTime() + 1_000 + 5_000),
    });

    f.clock.advance(5_000);
    expect((await f.dispatch.execute())._unsafeUnwrap()).toMatchObject({ attempted: 1, failed: 1 });
    [d] = (await f.deliveries.listForJob(job.id))._unsafeUnwrap();
    expect(d).toMatchObject({
      status: 'failed',
      attempts: 3,
      lastStatusCode: 503,
      lastError: 'receiver answered HTTP 503',
      nextAttemptAt: null,
      deliveredAt: null,
    });
    expect(new Set(f.sender.requests.map((r) => r.id)).size).toBe(1);
    expect(new Set(f.sender.requests.map((r) => r.body)).size).toBe(1);
    expect(JSON.parse(f.sender.requests[0]!.body)).toMatchObject({ type: 'job.failed' });
    expect(f.sender.requests.map((r) => r.timestamp.getTime() - T0.getTime())).toEqual([0, 1_000, 6_000]);
    expect(f.logger.entries.some((e) => e.msg === 'webhook delivery failed for good')).toBe(true);
  });

  it('fails at once, without retries, when the sender refuses the destination', async () => {
    const f = setup([
      { type: 'WebhookRefused', reason: 'hooks.example.com resolves to 10.0.0.1, a private address' },
    ]);
    const job = await f.finishedJob('completed');
    expect((await f.dispatch.execute())._unsafeUnwrap()).toMatchObject({ attempted: 1, failed: 1 });
    expect((await f.deliveries.listForJob(job.id))._unsafeUnwrap()[0]).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: 'refused: hooks.example.com resolves to 10.0.0.1, a private address',
    });
    f.clock.advance(60_000);
    expect((await f.dispatch.execute())._unsafeUnwrap()).toMatchObject({ attempted: 0 });
  });

  it('fails the delivery of a job deleted before its first attempt', async () => {
    const f = setup([200], {
      wrapJobs: (jobs) =>
        Object.assign(Object.create(jobs) as JobRepository, {
          findById: (jobId: string) => errAsync({ type: 'JobNotFound' as const, jobId }),
        }),
    });
    const job = await f.finishedJob('completed');
    expect((await f.dispatch.execute())._unsafeUnwrap()).toMatchObject({ attempted: 1, failed: 1 });
    expect(f.sender.requests).toEqual([]);
    expect((await f.deliveries.listForJob(job.id))._unsafeUnwrap()[0]).toMatchObject({
      status: 'failed',
      lastError: 'the job was deleted before its event could be sent',
    });
  });

  it('errs with DatabaseUnavailable when the outbox cannot be read, sending nothing', async () => {
    const f = setup([200], {
      wrapDeliveries: (d) =>
        Object.assign(Object.create(d) as WebhookDeliveryRepository, {
          enqueueForFinishedJobs: () =>
            errAsync({ type: 'DatabaseUnavailable' as const, message: 'db down' }),
        }),
    });
    await f.finishedJob('completed');
    expect((await f.dispatch.execute())._unsafeUnwrapErr()).toEqual({
      type: 'DatabaseUnavailable',
      message: 'db down',
    });
    expect(f.sender.requests).toEqual([]);
  });

  it('spreads retry delays with jitter from the random source', async () => {
    const f = setup([500]);
    const clock = f.clock;
    const dispatch = new DispatchWebhooks({
      deliveries: f.deliveries,
      jobs: f.jobs,
      sender: f.sender,
      clock,
      logger: f.logger,
      presentJob: (job) => presentJob(job),
      random: () => 0,
      settings: { batchSize: 10, leaseMs: 40_000, retryScheduleMs: [10_000], jitter: 0.2 },
    });
    const job = await f.finishedJob('completed');
    await dispatch.execute();
    expect((await f.deliveries.listForJob(job.id))._unsafeUnwrap()[0]!.nextAttemptAt).toEqual(
      new Date(T0.getTime() + 8_000),
    );
  });

  it('shows the deliveries in the job metadata', async () => {
    const f = setup([500]);
    const job = await f.finishedJob('completed');
    await f.dispatch.execute();
    const metadata = new GetJobMetadata({
      jobs: f.jobs,
      events: new InMemoryJobEventRepository(),
      webhooks: f.deliveries,
    });
    const m = (
      await metadata.execute({
        principal: { userId: 'alice', role: 'user', scopes: [], via: 'api-key' },
        jobId: job.id,
      })
    )._unsafeUnwrap();
    expect(m.webhooks).toEqual([
      expect.objectContaining({
        eventType: 'job.completed',
        status: 'pending',
        attempts: 1,
        lastStatusCode: 500,
      }),
    ]);
  });
});

describe('webhookEventBody', () => {
  it('uses the finish time as the timestamp and the given view as data.job', async () => {
    const f = setup();
    const job = await f.finishedJob('completed');
    expect(webhookEventBody('job.completed', job, (j) => ({ id: j.id }))).toEqual({
      type: 'job.completed',
      timestamp: T0.toISOString(),
      data: { job: { id: job.id } },
    });
  });
});
