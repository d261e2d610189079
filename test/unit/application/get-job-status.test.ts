import { describe, expect, it } from 'vitest';
import { GetJobStatus, jobStatusCacheKey } from '../../../src/application/get-job-status.js';
import { ALICE, BOB, createApplicationFixture, seqId } from '../../support/application-fixture.js';

describe('GetJobStatus', () => {
  it('shows the owner their queued job with its 1-based queue position', async () => {
    const f = createApplicationFixture();
    const first = await f.submit();
    const second = await f.submit({ ownerId: BOB });
    const third = await f.submit();

    const view = (
      await f.getJobStatus.execute({ principal: f.principal(ALICE), jobId: third.id })
    )._unsafeUnwrap();
    expect(view).toEqual({ job: await f.job(third.id), queuePosition: 3 });
    expect(
      (await f.getJobStatus.execute({ principal: f.principal(ALICE), jobId: first.id }))._unsafeUnwrap()
        .queuePosition,
    ).toBe(1);
    expect(
      (await f.getJobStatus.execute({ principal: f.principal(BOB), jobId: second.id }))._unsafeUnwrap()
        .queuePosition,
    ).toBe(2);
  });

  it('counts higher-priority jobs ahead', async () => {
    const f = createApplicationFixture();
    const normal = await f.submit();
    await f.submit({ priority: 5 });
    const view = (
      await f.getJobStatus.execute({ principal: f.principal(ALICE), jobId: normal.id })
    )._unsafeUnwrap();
    expect(view.queuePosition).toBe(2);
  });

  it("answers JobNotFound for another user's job, exactly as for a missing one", async () => {
    const f = createApplicationFixture();
    const job = await f.submit({ ownerId: ALICE });

    const other = await f.getJobStatus.execute({ principal: f.principal(BOB), jobId: job.id });
    const missing = await f.getJobStatus.execute({ principal: f.principal(BOB), jobId: seqId(99) });
    expect(other._unsafeUnwrapErr()).toEqual({ type: 'JobNotFound', jobId: job.id });
    expect(missing._unsafeUnwrapErr()).toEqual({ type: 'JobNotFound', jobId: seqId(99) });
  });

  it("does not let an admin see other users' jobs through this use case", async () => {
    const f = createApplicationFixture();
    const job = await f.submit({ ownerId: ALICE });
    const admin = { ...f.principal(BOB, 'admin'), scopes: ['jobs', 'admin'] };
    expect((await f.getJobStatus.execute({ principal: admin, jobId: job.id }))._unsafeUnwrapErr().type).toBe(
      'JobNotFound',
    );
  });

  it('gives a processing job no queue position', async () => {
    const f = createApplicationFixture();
    const job = await f.submit();
    await f.submit();
    (await f.jobs.claim('worker-1', 30_000, 1))._unsafeUnwrap();

    const view = (
      await f.getJobStatus.execute({ principal: f.principal(ALICE), jobId: job.id })
    )._unsafeUnwrap();
    expect(view.job.status).toBe('processing');
    expect(view.queuePosition).toBeNull();
  });

  it('gives a finished job no queue position', async () => {
    const f = createApplicationFixture();
    const job = await f.submit();
    expect(await f.process()).toEqual({ kind: 'completed', jobId: job.id, attempt: 1 });

    const view = (
      await f.getJobStatus.execute({ principal: f.principal(ALICE), jobId: job.id })
    )._unsafeUnwrap();
    expect(view.job.status).toBe('completed');
    expect(view.queuePosition).toBeNull();
  });

  describe('status cache', () => {
    const TTL = 1_000;
    const status = async (f: ReturnType<typeof createApplicationFixture>, jobId: string, userId = ALICE) =>
      f.getJobStatus.execute({ principal: f.principal(userId), jobId });

    it('serves a repeated read from the cache, equal to the stored view, for up to the TTL', async () => {
      const f = createApplicationFixture({ settings: { statusCacheTtlMs: TTL } });
      const job = await f.submit();
      const first = (await status(f, job.id))._unsafeUnwrap();
      expect((await f.cache.get(jobStatusCacheKey(job.id))) !== null).toBe(true);

      // A change that bypasses JobActivity (nothing invalidates): the cached view is served...
      (await f.jobs.claim('worker-1', 30_000, 1))._unsafeUnwrap();
      f.clock.advance(TTL - 1);
      expect((await status(f, job.id))._unsafeUnwrap()).toEqual(first);

      // ...until it expires.
      f.clock.advance(1);
      const fresh = (await status(f, job.id))._unsafeUnwrap();
      expect(fresh.job.status).toBe('processing');
      expect(fresh.queuePosition).toBeNull();
    });

    it('drops the cached view when the job changes through JobActivity', async () => {
      const f = createApplicationFixture({ settings: { statusCacheTtlMs: TTL } });
      const job = await f.submit();
      expect((await status(f, job.id))._unsafeUnwrap().job.status).toBe('queued');

      expect((await f.process()).kind).toBe('completed');

      const view = (await status(f, job.id))._unsafeUnwrap();
      expect(view.job).toEqual(await f.job(job.id));
      expect(view.queuePosition).toBeNull();
    });

    it("answers JobNotFound to another user even when the owner's view is cached", async () => {
      const f = createApplicationFixture({ settings: { statusCacheTtlMs: TTL } });
      const job = await f.submit();
      (await status(f, job.id))._unsafeUnwrap();
      expect((await status(f, job.id, BOB))._unsafeUnwrapErr()).toEqual({
        type: 'JobNotFound',
        jobId: job.id,
      });
    });

    it('treats an unreadable cache entry as a miss', async () => {
      const f = createApplicationFixture({ settings: { statusCacheTtlMs: TTL } });
      const job = await f.submit();
      await f.cache.set(jobStatusCacheKey(job.id), '{"job":"not a job"', TTL);
      expect((await status(f, job.id))._unsafeUnwrap()).toEqual({
        job: await f.job(job.id),
        queuePosition: 1,
      });
    });

    it('reads the repository every time when the TTL is 0', async () => {
      const f = createApplicationFixture({ settings: { statusCacheTtlMs: 0 } });
      const job = await f.submit();
      expect((await status(f, job.id))._unsafeUnwrap().job.status).toBe('queued');
      (await f.jobs.claim('worker-1', 30_000, 1))._unsafeUnwrap();
      expect((await status(f, job.id))._unsafeUnwrap().job.status).toBe('processing');
      expect(await f.cache.get(jobStatusCacheKey(job.id))).toBeNull();
    });
  });

  describe('in-process tier', () => {
    const TTL = 1_000;
    const LOCAL = 250;
    const withLocal = (f: ReturnType<typeof createApplicationFixture>) =>
      new GetJobStatus({
        jobs: f.jobs,
        cache: f.cache,
        cacheTtlMs: TTL,
        local: { live: f.live, ttlMs: LOCAL, now: () => f.clock.now().getTime() },
      });

    it('serves the same view object without the shared cache for up to its TTL', async () => {
      const f = createApplicationFixture({ settings: { statusCacheTtlMs: TTL } });
      const getJobStatus = withLocal(f);
      const job = await f.submit();
      const first = (
        await getJobStatus.execute({ principal: f.principal(ALICE), jobId: job.id })
      )._unsafeUnwrap();
      // The shared entry vanishes and the job changes without a live update: the local copy still answers...
      await f.cache.delete(jobStatusCacheKey(job.id));
      (await f.jobs.claim('worker-1', 30_000, 1))._unsafeUnwrap();
      f.clock.advance(LOCAL - 1);
      const again = (
        await getJobStatus.execute({ principal: f.principal(ALICE), jobId: job.id })
      )._unsafeUnwrap();
      expect(again).toBe(first);
      // ...for at most its TTL.
      f.clock.advance(1);
      const fresh = (
        await getJobStatus.execute({ principal: f.principal(ALICE), jobId: job.id })
      )._unsafeUnwrap();
      expect(fresh.job.status).toBe('processing');
      expect(getJobStatus.localSize).toBe(1);
    });

    it('drops the local view as soon as a live update of the job arrives', async () => {
      const f = createApplicationFixture({ settings: { statusCacheTtlMs: TTL } });
      const getJobStatus = withLocal(f);
      const job = await f.submit();
      expect(
        (await getJobStatus.execute({ principal: f.principal(ALICE), jobId: job.id }))._unsafeUnwrap().job
          .status,
      ).toBe('queued');
      expect((await f.process()).kind).toBe('completed'); // publishes through JobActivity
      expect(getJobStatus.localSize).toBe(0);
      const view = (
        await getJobStatus.execute({ principal: f.principal(ALICE), jobId: job.id })
      )._unsafeUnwrap();
      expect(view.job).toEqual(await f.job(job.id));
    });

    it("answers JobNotFound to another user while the owner's view is held locally", async () => {
      const f = createApplicationFixture({ settings: { statusCacheTtlMs: TTL } });
      const getJobStatus = withLocal(f);
      const job = await f.submit();
      (await getJobStatus.execute({ principal: f.principal(ALICE), jobId: job.id }))._unsafeUnwrap();
      expect(
        (await getJobStatus.execute({ principal: f.principal(BOB), jobId: job.id }))._unsafeUnwrapErr(),
      ).toEqual({
        type: 'JobNotFound',
        jobId: job.id,
      });
    });

    it('holds at most maxEntries jobs, dropping the oldest', async () => {
      const f = createApplicationFixture({ settings: { statusCacheTtlMs: TTL } });
      const getJobStatus = new GetJobStatus({
        jobs: f.jobs,
        cache: f.cache,
        cacheTtlMs: TTL,
        local: { live: f.live, ttlMs: LOCAL, maxEntries: 2, now: () => f.clock.now().getTime() },
      });
      const jobs = [await f.submit(), await f.submit(), await f.submit()];
      for (const job of jobs)
        (await getJobStatus.execute({ principal: f.principal(ALICE), jobId: job.id }))._unsafeUnwrap();
      expect(getJobStatus.localSize).toBe(2);
    });
  });
});
