import { describe, expect, it } from 'vitest';
import { ALICE, BOB, createApplicationFixture, seqId } from '../../support/application-fixture.js';

describe('GetJobStatus', () => {
  it("shows the owner their queued job with its 1-based queue position", async () => {
    const f = createApplicationFixture();
    const first = await f.submit();
    const second = await f.submit({ ownerId: BOB });
    const third = await f.submit();

    const view = (await f.getJobStatus.execute({ principal: f.principal(ALICE), jobId: third.id }))._unsafeUnwrap();
    expect(view).toEqual({ job: await f.job(third.id), queuePosition: 3 });
    expect((await f.getJobStatus.execute({ principal: f.principal(ALICE), jobId: first.id }))._unsafeUnwrap().queuePosition).toBe(1);
    expect((await f.getJobStatus.execute({ principal: f.principal(BOB), jobId: second.id }))._unsafeUnwrap().queuePosition).toBe(2);
  });

  it('counts higher-priority jobs ahead', async () => {
    const f = createApplicationFixture();
    const normal = await f.submit();
    await f.submit({ priority: 5 });
    const view = (await f.getJobStatus.execute({ principal: f.principal(ALICE), jobId: normal.id }))._unsafeUnwrap();
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

  it('does not let an admin see other users\' jobs through this use case', async () => {
    const f = createApplicationFixture();
    const job = await f.submit({ ownerId: ALICE });
    const admin = { ...f.principal(BOB, 'admin'), scopes: ['jobs', 'admin'] };
    expect((await f.getJobStatus.execute({ principal: admin, jobId: job.id }))._unsafeUnwrapErr().type).toBe('JobNotFound');
  });

  it('gives a processing job no queue position', async () => {
    const f = createApplicationFixture();
    const job = await f.submit();
    await f.submit();
    (await f.jobs.claim('worker-1', 30_000, 1))._unsafeUnwrap();

    const view = (await f.getJobStatus.execute({ principal: f.principal(ALICE), jobId: job.id }))._unsafeUnwrap();
    expect(view.job.status).toBe('processing');
    expect(view.queuePosition).toBeNull();
  });

  it('gives a finished job no queue position', async () => {
    const f = createApplicationFixture();
    const job = await f.submit();
    expect(await f.process()).toEqual({ kind: 'completed', jobId: job.id, attempt: 1 });

    const view = (await f.getJobStatus.execute({ principal: f.principal(ALICE), jobId: job.id }))._unsafeUnwrap();
    expect(view.job.status).toBe('completed');
    expect(view.queuePosition).toBeNull();
  });
});
