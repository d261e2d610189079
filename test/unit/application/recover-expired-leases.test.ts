import { describe, expect, it } from 'vitest';
import { mutateJob } from '../../../src/application/mutate-job.js';
import { requestCancel } from '../../../src/domain/job.js';
import { at, createApplicationFixture } from '../../support/application-fixture.js';

const LEASE_MS = 30_000;

describe('RecoverExpiredLeases', () => {
  it('queues a job whose lease expired again, with LEASE_EXPIRED, an event and a work signal', async () => {
    const f = createApplicationFixture();
    const job = await f.submit();
    (await f.jobs.claim('dead-worker', LEASE_MS, 1))._unsafeUnwrap();
    f.clock.advance(LEASE_MS);
    const signals = await f.countSignals();

    const recovered = (await f.recoverExpiredLeases.execute())._unsafeUnwrap();

    const error = {
      code: 'LEASE_EXPIRED',
      message: 'worker dead-worker stopped renewing its lease in attempt 1',
      retryable: true,
    };
    expect(recovered).toEqual([await f.job(job.id)]);
    expect(recovered[0]).toMatchObject({
      status: 'queued',
      attempts: 1,
      lease: null,
      // It keeps its turn in the queue (its runAt is from before the claim).
      runAt: job.runAt,
      error,
      finishedAt: null,
    });
    expect((await f.eventsOf(job.id)).at(-1)).toMatchObject({
      at: at(LEASE_MS),
      level: 'warn',
      stage: 'lifecycle',
      message: 'Lease of attempt 1 expired; job queued again',
      data: { attempt: 1, event: 'lease-expired', error },
    });
    expect(signals.count).toBe(1);

    // The next claim is attempt 2.
    expect(await f.process('worker-2')).toEqual({ kind: 'completed', jobId: job.id, attempt: 2 });
  });

  it('leaves leases that have not expired alone', async () => {
    const f = createApplicationFixture();
    const job = await f.submit();
    (await f.jobs.claim('slow-worker', LEASE_MS, 1))._unsafeUnwrap();
    f.clock.advance(LEASE_MS - 1);
    const signals = await f.countSignals();

    expect((await f.recoverExpiredLeases.execute())._unsafeUnwrap()).toEqual([]);
    expect((await f.job(job.id)).status).toBe('processing');
    expect(signals.count).toBe(0);
  });

  it('fails a job whose attempts are used up, without waking workers', async () => {
    const f = createApplicationFixture({ settings: { maxAttempts: 1 } });
    const job = await f.submit();
    (await f.jobs.claim('dead-worker', LEASE_MS, 1))._unsafeUnwrap();
    f.clock.advance(LEASE_MS + 5);
    const signals = await f.countSignals();

    const recovered = (await f.recoverExpiredLeases.execute())._unsafeUnwrap();

    expect(recovered).toHaveLength(1);
    expect(await f.job(job.id)).toMatchObject({
      status: 'failed',
      attempts: 1,
      lease: null,
      error: { code: 'LEASE_EXPIRED', retryable: true },
      finishedAt: at(LEASE_MS + 5),
    });
    expect((await f.eventsOf(job.id)).at(-1)).toMatchObject({
      level: 'error',
      message: 'Lease of attempt 1 expired; no attempts left, job failed',
      data: { attempt: 1, event: 'lease-expired' },
    });
    expect(signals.count).toBe(0);
    expect(await f.process()).toEqual({ kind: 'idle' });
  });

  it('cancels a job whose cancel was requested before its lease expired', async () => {
    const f = createApplicationFixture();
    const job = await f.submit();
    (await f.jobs.claim('dead-worker', LEASE_MS, 1))._unsafeUnwrap();
    (await mutateJob(f.jobs, job.id, (j) => requestCancel(j, f.clock.now())))._unsafeUnwrap();
    f.clock.advance(LEASE_MS);

    (await f.recoverExpiredLeases.execute())._unsafeUnwrap();

    expect(await f.job(job.id)).toMatchObject({ status: 'cancelled', finishedAt: at(LEASE_MS) });
    expect((await f.eventsOf(job.id)).at(-1)).toMatchObject({
      level: 'warn',
      message: 'Lease expired after a cancel request; job cancelled',
    });
  });

  it('recovers every expired job in one sweep', async () => {
    const f = createApplicationFixture();
    const a = await f.submit();
    const b = await f.submit();
    await f.submit();
    (await f.jobs.claim('dead-worker', LEASE_MS, 2))._unsafeUnwrap();
    f.clock.advance(LEASE_MS);

    const recovered = (await f.recoverExpiredLeases.execute())._unsafeUnwrap();

    expect(recovered.map((j) => [j.id, j.status])).toEqual([
      [a.id, 'queued'],
      [b.id, 'queued'],
    ]);
  });
});
