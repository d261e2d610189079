import { errAsync, type ResultAsync } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import type { Job } from '../../../src/domain/job.js';
import { VideoSpec } from '../../../src/domain/video-spec.js';
import { databaseUnavailable, type DatabaseUnavailable } from '../../../src/ports/errors.js';
import {
  ALICE,
  createApplicationFixture,
  DelegatingJobRepository,
  eventId,
  seqId,
  T0,
} from '../../support/application-fixture.js';

describe('SubmitVideoJob', () => {
  it('stores a queued job with the validated spec, defaults applied', async () => {
    const f = createApplicationFixture();
    const result = await f.submitVideoJob.execute({
      ownerId: ALICE,
      spec: { topic: '  The   Pythagorean theorem ' },
    });

    const job = result._unsafeUnwrap();
    expect(job).toEqual({
      id: seqId(1),
      ownerId: ALICE,
      batchId: null,
      spec: VideoSpec.create({ topic: 'The Pythagorean theorem' })._unsafeUnwrap(),
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
    expect(await f.job(job.id)).toEqual(job);
    expect(job.spec).toMatchObject({
      quality: 'medium',
      aspectRatio: '16:9',
      narration: true,
      maxDurationSeconds: 120,
    });
  });

  it('keeps priority and batch id', async () => {
    const f = createApplicationFixture();
    const job = (
      await f.submitVideoJob.execute({
        ownerId: ALICE,
        spec: { topic: 'Tides' },
        priority: -10,
        batchId: 'batch-1',
      })
    )._unsafeUnwrap();
    expect(await f.job(job.id)).toMatchObject({ priority: -10, batchId: 'batch-1' });
    const top = (
      await f.submitVideoJob.execute({ ownerId: ALICE, spec: { topic: 'Tides' }, priority: 10 })
    )._unsafeUnwrap();
    expect(top.priority).toBe(10);
  });

  it("appends a 'Job queued' event to the job's log", async () => {
    const f = createApplicationFixture();
    const job = await f.submit({ spec: { topic: 'Tides', quality: 'high' }, priority: 3 });

    expect(await f.eventsOf(job.id)).toEqual([
      {
        id: eventId(1),
        jobId: job.id,
        at: T0,
        level: 'info',
        stage: 'lifecycle',
        message: 'Job queued',
        data: { priority: 3, quality: 'high' },
      },
    ]);
  });

  it('publishes a live update of the queued job', async () => {
    const f = createApplicationFixture();
    const updates = await f.watch(f.ids.peek());
    const job = await f.submit();

    expect(updates).toEqual([
      {
        jobId: job.id,
        ownerId: ALICE,
        status: 'queued',
        progress: { stage: 'queued', percent: 0 },
        attempts: 0,
        error: null,
        at: T0.toISOString(),
        message: 'Job queued',
      },
    ]);
  });

  it('wakes workers through the work signal', async () => {
    const f = createApplicationFixture();
    const signals = await f.countSignals();
    await f.submit();
    await f.submit();
    expect(signals.count).toBe(2);
  });

  it('still queues the job when the work signal fails (workers poll)', async () => {
    const f = createApplicationFixture();
    f.signal.notify = () => Promise.reject(new Error('LISTEN connection lost'));
    const job = await f.submit();
    expect((await f.job(job.id)).status).toBe('queued');
    expect(f.logger.entries).toContainEqual(
      expect.objectContaining({ level: 'warn', msg: 'work signal failed; workers will poll' }),
    );
  });

  it('answers DatabaseUnavailable and stores neither the job nor its event when the write fails', async () => {
    const f = createApplicationFixture({
      wrapJobs: (jobs) =>
        new (class extends DelegatingJobRepository {
          override insertWithEvent(): ResultAsync<Job, DatabaseUnavailable> {
            return errAsync(databaseUnavailable(new Error('connection terminated')));
          }
        })(jobs),
    });
    const signals = await f.countSignals();
    const result = await f.submitVideoJob.execute({ ownerId: ALICE, spec: { topic: 'Tides' } });

    expect(result._unsafeUnwrapErr()).toMatchObject({ type: 'DatabaseUnavailable' });
    expect((await f.jobs.findById(seqId(1)))._unsafeUnwrapErr()).toEqual({
      type: 'JobNotFound',
      jobId: seqId(1),
    });
    expect(await f.eventsOf(seqId(1))).toEqual([]);
    expect(signals.count).toBe(0);
  });

  it('sends no separate work signal when the repository wakes workers in its own commit', async () => {
    const f = createApplicationFixture({
      wrapJobs: (jobs) =>
        new (class extends DelegatingJobRepository {
          override get wakesWorkersOnInsert(): boolean {
            return true;
          }
        })(jobs),
    });
    const signals = await f.countSignals();
    const job = await f.submit();

    expect(signals.count).toBe(0);
    expect((await f.job(job.id)).status).toBe('queued');
    expect((await f.eventsOf(job.id)).map((e) => e.message)).toEqual(['Job queued']);
  });

  it('answers InvalidVideoSpec with every issue and its path, including priority', async () => {
    const f = createApplicationFixture();
    const signals = await f.countSignals();
    const result = await f.submitVideoJob.execute({
      ownerId: ALICE,
      spec: { quality: 'ultra', rag: { topK: 99 } },
      priority: 11,
    });

    expect(result._unsafeUnwrapErr()).toEqual({
      type: 'InvalidVideoSpec',
      issues: [
        { path: 'topic', message: 'is required' },
        { path: 'quality', message: 'must be one of preview, low, medium, high' },
        { path: 'rag.topK', message: 'must be an integer from 1 to 20' },
        { path: 'priority', message: 'must be an integer from -10 to 10' },
      ],
    });
    expect((await f.jobs.countByStatus())._unsafeUnwrap()).toEqual({
      queued: 0,
      processing: 0,
      completed: 0,
      failed: 0,
      cancelled: 0,
    });
    expect(await f.eventsOf(seqId(1))).toEqual([]);
    expect(signals.count).toBe(0);
  });

  it.each([1.5, -11, Number.NaN])('refuses priority %s alone with a priority issue', async (priority) => {
    const f = createApplicationFixture();
    const result = await f.submitVideoJob.execute({ ownerId: ALICE, spec: { topic: 'Tides' }, priority });
    expect(result._unsafeUnwrapErr()).toEqual({
      type: 'InvalidVideoSpec',
      issues: [{ path: 'priority', message: 'must be an integer from -10 to 10' }],
    });
  });
});
