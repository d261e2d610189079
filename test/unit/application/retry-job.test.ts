import { describe, expect, it } from 'vitest';
import { ALICE, BOB, at } from '../../support/application-fixture.js';
import { createJobManagementFixture } from '../../support/job-management-fixture.js';

describe('RetryJob', () => {
  it('queues a failed job again with attempts reset, logs it and wakes a worker', async () => {
    const f = createJobManagementFixture();
    const failed = await f.failed((await f.submit()).id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
    const signals = await f.countSignals();
    f.clock.advance(2_000);

    const retried = (
      await f.retryJob.execute({ principal: f.principal(ALICE), jobId: failed.id })
    )._unsafeUnwrap();

    expect(retried).toMatchObject({
      status: 'queued',
      attempts: 0,
      error: null,
      finishedAt: null,
      runAt: at(2_000),
      progress: { stage: 'queued', percent: 0 },
    });
    expect(await f.job(failed.id)).toEqual(retried);
    expect(signals.count).toBe(1);
    expect((await f.eventsOf(failed.id)).at(-1)).toMatchObject({
      message: 'Job queued again (retry)',
      data: { event: 'retried', previousStatus: 'failed' },
    });
    // And it runs again.
    expect(await f.process()).toMatchObject({ kind: 'completed', jobId: failed.id, attempt: 1 });
  });

  it('queues a cancelled job again, clearing the cancel request', async () => {
    const f = createJobManagementFixture();
    const job = await f.submit();
    (await f.cancelJob.execute({ principal: f.principal(ALICE), jobId: job.id }))._unsafeUnwrap();
    const retried = (
      await f.retryJob.execute({ principal: f.principal(ALICE), jobId: job.id })
    )._unsafeUnwrap();
    expect(retried).toMatchObject({ status: 'queued', cancelRequestedAt: null, attempts: 0 });
  });

  it('refuses queued, processing and completed jobs with IllegalJobTransition', async () => {
    const f = createJobManagementFixture();
    const queued = await f.submit();
    const processing = await f.processing((await f.submit()).id);
    const done = await f.completed((await f.submit()).id);
    const signals = await f.countSignals();
    for (const job of [queued, processing, done]) {
      expect(
        (await f.retryJob.execute({ principal: f.principal(ALICE), jobId: job.id }))._unsafeUnwrapErr(),
      ).toEqual({
        type: 'IllegalJobTransition',
        jobId: job.id,
        from: job.status,
        action: 'retry',
      });
      expect(await f.job(job.id)).toEqual(job);
    }
    expect(signals.count).toBe(0);
  });

  it('answers JobNotFound for another user’s job', async () => {
    const f = createJobManagementFixture();
    const failed = await f.failed((await f.submit()).id);
    expect(
      (await f.retryJob.execute({ principal: f.principal(BOB), jobId: failed.id }))._unsafeUnwrapErr(),
    ).toEqual({
      type: 'JobNotFound',
      jobId: failed.id,
    });
    expect((await f.job(failed.id)).status).toBe('failed');
  });
});
