import { describe, expect, it } from 'vitest';
import { ALICE, BOB, at } from '../../support/application-fixture.js';
import { createJobManagementFixture } from '../../support/job-management-fixture.js';
import { ScriptedVideoRenderer } from '../../support/scripted-video-renderer.js';

describe('CancelJob', () => {
  it('cancels a queued job at once, logs it and tells watchers', async () => {
    const f = createJobManagementFixture();
    const job = await f.submit();
    const updates = await f.watch(job.id);
    f.clock.advance(500);

    const cancelled = (
      await f.cancelJob.execute({ principal: f.principal(ALICE), jobId: job.id })
    )._unsafeUnwrap();

    expect(cancelled).toMatchObject({ status: 'cancelled', cancelRequestedAt: at(500), finishedAt: at(500) });
    expect(await f.job(job.id)).toEqual(cancelled);
    expect(updates.map((u) => u.status)).toEqual(['cancelled']);
    const last = (await f.eventsOf(job.id)).at(-1);
    expect(last).toMatchObject({ message: 'Job cancelled', data: { event: 'cancelled', by: ALICE } });
    // Nothing left to claim.
    expect(await f.process()).toEqual({ kind: 'idle' });
  });

  it('marks a processing job for cancellation, once, and publishes it', async () => {
    const f = createJobManagementFixture();
    const job = await f.submit();
    await f.processing(job.id);
    const updates = await f.watch(job.id);
    const eventsBefore = (await f.eventsOf(job.id)).length;

    const pending = (
      await f.cancelJob.execute({ principal: f.principal(ALICE), jobId: job.id })
    )._unsafeUnwrap();
    expect(pending).toMatchObject({ status: 'processing', cancelRequestedAt: at(0) });
    expect(updates).toHaveLength(1);
    f.clock.advance(1_000);
    const again = (
      await f.cancelJob.execute({ principal: f.principal(ALICE), jobId: job.id })
    )._unsafeUnwrap();
    expect(again).toEqual(pending);
    expect(await f.job(job.id)).toEqual(pending);
    expect((await f.eventsOf(job.id)).length).toBe(eventsBefore + 1);
  });

  it('refuses a finished job with IllegalJobTransition, leaving it unchanged', async () => {
    const f = createJobManagementFixture();
    const done = await f.completed((await f.submit()).id);
    expect(
      (await f.cancelJob.execute({ principal: f.principal(ALICE), jobId: done.id }))._unsafeUnwrapErr(),
    ).toEqual({
      type: 'IllegalJobTransition',
      jobId: done.id,
      from: 'completed',
      action: 'cancel',
    });
    expect(await f.job(done.id)).toEqual(done);
  });

  it('answers JobNotFound for another user’s job and for a missing one', async () => {
    const f = createJobManagementFixture();
    const job = await f.submit();
    for (const [principal, jobId] of [
      [f.principal(BOB), job.id],
      [f.principal(ALICE), 'missing'],
    ] as const)
      expect((await f.cancelJob.execute({ principal, jobId }))._unsafeUnwrapErr()).toEqual({
        type: 'JobNotFound',
        jobId,
      });
    expect((await f.job(job.id)).status).toBe('queued');
  });

  it('is honoured by the worker: the render is aborted, nothing is stored, the job ends cancelled', async () => {
    const f = createJobManagementFixture({
      renderer: new ScriptedVideoRenderer().script({
        kind: 'hang',
        stage: 'composing',
        giveUpAfterMs: 3_000,
      }),
    });
    const job = await f.submit();
    const outcome = f.process();
    await f.renderer.started(1);
    (await f.cancelJob.execute({ principal: f.principal(ALICE), jobId: job.id }))._unsafeUnwrap();

    expect(await outcome).toEqual({ kind: 'cancelled', jobId: job.id, attempt: 1 });
    expect(await f.job(job.id)).toMatchObject({ status: 'cancelled', result: null, lease: null });
    expect(await f.storedKeys()).toEqual([]);
  });
});
