import { errAsync, type ResultAsync } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import { InMemoryBatchRepository } from '../../../src/adapters/memory/in-memory-batch-repository.js';
import { CancelBatch } from '../../../src/application/cancel-batch.js';
import { GetBatch } from '../../../src/application/get-batch.js';
import { SubmitBatch } from '../../../src/application/submit-batch.js';
import type { Batch } from '../../../src/domain/batch.js';
import { claimJob, type Job } from '../../../src/domain/job.js';
import type { BatchRepository } from '../../../src/ports/batch-repository.js';
import type { DatabaseUnavailable } from '../../../src/ports/errors.js';
import { ALICE, BOB, createApplicationFixture, seqId, T0 } from '../../support/application-fixture.js';
import { ScriptedVideoRenderer } from '../../support/scripted-video-renderer.js';

const MAX_JOBS = 4;

/** The application fixture plus the batch use cases over an in-memory batch store. */
function batchFixture(
  options: { renderer?: ScriptedVideoRenderer; batches?: (real: BatchRepository) => BatchRepository } = {},
) {
  const f = createApplicationFixture(options.renderer ? { renderer: options.renderer } : {});
  const real = new InMemoryBatchRepository(f.jobs);
  const batches = options.batches?.(real) ?? real;
  return {
    ...f,
    batches: real,
    submitBatch: new SubmitBatch({
      batches,
      activity: f.activity,
      signal: f.signal,
      clock: f.clock,
      ids: f.ids,
      logger: f.logger,
      settings: { maxAttempts: 3, maxJobsPerBatch: MAX_JOBS },
    }),
    getBatch: new GetBatch({ batches }),
    cancelBatch: new CancelBatch({ batches, jobs: f.jobs, activity: f.activity, clock: f.clock }),
  };
}

const specs = (...topics: string[]) => topics.map((topic) => ({ topic }));

const totalJobs = async (f: ReturnType<typeof batchFixture>): Promise<number> =>
  Object.values((await f.jobs.countByStatus())._unsafeUnwrap()).reduce((a, b) => a + b, 0);

describe('SubmitBatch', () => {
  it('stores the batch and one queued job per spec, in order, with the batch id', async () => {
    const f = batchFixture();
    const view = (
      await f.submitBatch.execute({
        ownerId: ALICE,
        name: ' Week  1 ',
        jobs: [
          { topic: 'Tides', priority: 5 },
          { topic: 'Volcanoes', quality: 'low' },
        ],
      })
    )._unsafeUnwrap();

    const batchId = seqId(1);
    expect(view.batch).toEqual({
      id: batchId,
      ownerId: ALICE,
      name: 'Week 1',
      jobIds: [seqId(2), seqId(3)],
      createdAt: T0,
    });
    expect(view.summary).toEqual({
      counts: { queued: 2, processing: 0, completed: 0, failed: 0, cancelled: 0 },
      total: 2,
      progress: 0,
      finished: false,
    });
    expect((await f.batches.findById(batchId))._unsafeUnwrap()).toEqual(view.batch);
    expect(await f.job(seqId(2))).toMatchObject({
      status: 'queued',
      batchId,
      ownerId: ALICE,
      priority: 5,
      spec: { topic: 'Tides' },
    });
    expect(await f.job(seqId(3))).toMatchObject({
      batchId,
      priority: 0,
      spec: { topic: 'Volcanoes', quality: 'low' },
    });
  });

  it("logs 'Job queued' for each job with its batch, and wakes workers once", async () => {
    const f = batchFixture();
    const signals = await f.countSignals();
    const view = (
      await f.submitBatch.execute({ ownerId: ALICE, jobs: specs('A', 'B', 'C') })
    )._unsafeUnwrap();
    for (const id of view.batch.jobIds) {
      expect(await f.eventsOf(id)).toEqual([
        expect.objectContaining({
          message: 'Job queued',
          stage: 'lifecycle',
          data: { priority: 0, quality: 'medium', batchId: view.batch.id },
        }),
      ]);
    }
    expect(signals.count).toBe(1);
  });

  it('refuses more specs than the limit, naming it, and stores nothing', async () => {
    const f = batchFixture();
    const result = await f.submitBatch.execute({ ownerId: ALICE, jobs: specs('1', '2', '3', '4', '5') });
    expect(result._unsafeUnwrapErr()).toEqual({ type: 'BatchTooLarge', size: 5, limit: MAX_JOBS });
    expect(await totalJobs(f)).toBe(0);
  });

  it('validates every spec first: one bad spec refuses the batch with indexed paths, storing nothing', async () => {
    const f = batchFixture();
    const signals = await f.countSignals();
    const result = await f.submitBatch.execute({
      ownerId: ALICE,
      name: '',
      jobs: [
        { topic: 'Fine' },
        { topic: 'Fine', priority: 11 },
        { topic: 'Fine' },
        { topic: '  ', quality: 'ultra' },
      ],
    });
    expect(result._unsafeUnwrapErr()).toEqual({
      type: 'InvalidBatch',
      issues: [
        { path: 'name', message: 'must not be empty' },
        { path: 'jobs.1.priority', message: 'must be an integer from -10 to 10' },
        { path: 'jobs.3.topic', message: 'must not be empty' },
        { path: 'jobs.3.quality', message: 'must be one of preview, low, medium, high' },
      ],
    });
    expect(await totalJobs(f)).toBe(0);
    expect(signals.count).toBe(0);
  });

  it('refuses an empty batch', async () => {
    const f = batchFixture();
    expect((await f.submitBatch.execute({ ownerId: ALICE, jobs: [] }))._unsafeUnwrapErr()).toMatchObject({
      type: 'InvalidBatch',
      issues: [{ path: 'jobs' }],
    });
  });

  it('answers DatabaseUnavailable when the store fails, logging no job', async () => {
    const f = batchFixture({
      batches: (real) => ({
        insert: (): ResultAsync<Batch, DatabaseUnavailable> =>
          errAsync({ type: 'DatabaseUnavailable', message: 'connection refused' }),
        findById: (id) => real.findById(id),
        jobTallies: (id) => real.jobTallies(id),
        deleteByOwner: (ownerId) => real.deleteByOwner(ownerId),
      }),
    });
    const result = await f.submitBatch.execute({ ownerId: ALICE, jobs: specs('A') });
    expect(result._unsafeUnwrapErr()).toEqual({ type: 'DatabaseUnavailable', message: 'connection refused' });
    expect(await f.eventsOf(seqId(2))).toEqual([]);
  });

  it('runs each job on its own: one failure leaves the others to complete', async () => {
    const renderer = new ScriptedVideoRenderer().script(
      { kind: 'fail', stage: 'rendering', retryable: false, message: 'bad scene' },
      { kind: 'succeed' },
    );
    const f = batchFixture({ renderer });
    const view = (
      await f.submitBatch.execute({ ownerId: ALICE, jobs: specs('First', 'Second') })
    )._unsafeUnwrap();
    await f.process();
    await f.process();
    const after = (
      await f.getBatch.execute({ principal: f.principal(ALICE), batchId: view.batch.id })
    )._unsafeUnwrap();
    expect(after.summary).toMatchObject({
      counts: { queued: 0, processing: 0, completed: 1, failed: 1, cancelled: 0 },
      progress: 100,
      finished: true,
    });
  });
});

describe('GetBatch', () => {
  it('aggregates the stored jobs: counts and mean progress', async () => {
    const f = batchFixture();
    const view = (await f.submitBatch.execute({ ownerId: ALICE, jobs: specs('A', 'B') }))._unsafeUnwrap();
    const a = await f.job(view.batch.jobIds[0]!);
    const running = claimJob(a, { workerId: 'w', leaseMs: 30_000, now: T0 })._unsafeUnwrap();
    await f.jobs.update({
      ...running,
      progress: { stage: 'rendering', percent: 50 },
      version: running.version,
    });
    const got = (
      await f.getBatch.execute({ principal: f.principal(ALICE), batchId: view.batch.id })
    )._unsafeUnwrap();
    expect(got.batch).toEqual(view.batch);
    expect(got.summary.counts).toMatchObject({ queued: 1, processing: 1 });
    expect(got.summary.progress).toBe(25);
  });

  it("answers BatchNotFound for another user's batch, exactly as for a missing one", async () => {
    const f = batchFixture();
    const view = (await f.submitBatch.execute({ ownerId: ALICE, jobs: specs('A') }))._unsafeUnwrap();
    expect(
      (await f.getBatch.execute({ principal: f.principal(BOB), batchId: view.batch.id }))._unsafeUnwrapErr(),
    ).toEqual({
      type: 'BatchNotFound',
      batchId: view.batch.id,
    });
    expect(
      (await f.getBatch.execute({ principal: f.principal(BOB), batchId: 'nope' }))._unsafeUnwrapErr(),
    ).toEqual({
      type: 'BatchNotFound',
      batchId: 'nope',
    });
  });
});

describe('CancelBatch', () => {
  async function mixedBatch(f: ReturnType<typeof batchFixture>) {
    const view = (
      await f.submitBatch.execute({ ownerId: ALICE, jobs: specs('Queued', 'Running', 'Done') })
    )._unsafeUnwrap();
    const [queued, runningId, doneId] = view.batch.jobIds as [string, string, string];
    const claim = async (id: string): Promise<Job> =>
      (
        await f.jobs.update(
          claimJob(await f.job(id), { workerId: 'w', leaseMs: 30_000, now: T0 })._unsafeUnwrap(),
        )
      )._unsafeUnwrap();
    await claim(runningId);
    const done = await claim(doneId);
    await f.jobs.update({
      ...done,
      status: 'failed',
      lease: null,
      finishedAt: T0,
      version: done.version + 1,
    });
    return { view, queued, runningId, doneId };
  }

  it('cancels queued jobs, requests cancel of processing ones, leaves ended ones', async () => {
    const f = batchFixture();
    const { view, queued, runningId, doneId } = await mixedBatch(f);
    f.clock.advance(1_000);
    const after = (
      await f.cancelBatch.execute({ principal: f.principal(ALICE), batchId: view.batch.id })
    )._unsafeUnwrap();

    expect(await f.job(queued)).toMatchObject({
      status: 'cancelled',
      cancelRequestedAt: new Date(T0.getTime() + 1_000),
    });
    expect(await f.job(runningId)).toMatchObject({
      status: 'processing',
      cancelRequestedAt: new Date(T0.getTime() + 1_000),
    });
    expect(await f.job(doneId)).toMatchObject({ status: 'failed', cancelRequestedAt: null });
    expect(after.summary.counts).toEqual({ queued: 0, processing: 1, completed: 0, failed: 1, cancelled: 1 });
    expect((await f.eventsOf(queued)).map((e) => e.message)).toEqual(['Job queued', 'Job cancelled']);
    expect((await f.eventsOf(runningId)).map((e) => e.message)).toEqual(['Job queued', 'Cancel requested']);
    expect((await f.eventsOf(doneId)).map((e) => e.message)).toEqual(['Job queued']);
  });

  it('is harmless twice: nothing changes and nothing more is logged', async () => {
    const f = batchFixture();
    const { view, runningId } = await mixedBatch(f);
    const first = (
      await f.cancelBatch.execute({ principal: f.principal(ALICE), batchId: view.batch.id })
    )._unsafeUnwrap();
    const versionAfterFirst = (await f.job(runningId)).version;
    const second = (
      await f.cancelBatch.execute({ principal: f.principal(ALICE), batchId: view.batch.id })
    )._unsafeUnwrap();
    expect(second.summary).toEqual(first.summary);
    expect((await f.job(runningId)).version).toBe(versionAfterFirst);
    expect((await f.eventsOf(runningId)).map((e) => e.message)).toEqual(['Job queued', 'Cancel requested']);
  });

  it("answers BatchNotFound for another user's batch and cancels nothing", async () => {
    const f = batchFixture();
    const view = (await f.submitBatch.execute({ ownerId: ALICE, jobs: specs('A') }))._unsafeUnwrap();
    const result = await f.cancelBatch.execute({ principal: f.principal(BOB), batchId: view.batch.id });
    expect(result._unsafeUnwrapErr().type).toBe('BatchNotFound');
    expect(await f.job(view.batch.jobIds[0]!)).toMatchObject({ status: 'queued', cancelRequestedAt: null });
  });
});
