import { describe, expect, it } from 'vitest';
import { ALICE, BOB, at } from '../../support/application-fixture.js';
import { createJobManagementFixture } from '../../support/job-management-fixture.js';

describe('ListAllJobs', () => {
  it('lists every owner’s jobs for an admin and records the listing', async () => {
    const f = createJobManagementFixture();
    const a = await f.submit();
    f.clock.advance(1_000);
    const b = await f.failed((await f.submit({ ownerId: BOB })).id);
    const admin = f.admin();

    const all = (
      await f.listAllJobs.execute({ principal: admin, sort: 'asc', requestId: 'req-1' })
    )._unsafeUnwrap();
    expect(all.items.map((j) => j.id)).toEqual([a.id, b.id]);
    const bobs = (
      await f.listAllJobs.execute({ principal: admin, ownerId: BOB, statuses: ['failed'] })
    )._unsafeUnwrap();
    expect(bobs.items.map((j) => j.id)).toEqual([b.id]);

    const audit = (await f.audit.list({ limit: 10 }))._unsafeUnwrap().items;
    expect(audit.map((e) => e.action)).toEqual(['jobs.admin-listed', 'jobs.admin-listed']);
    expect(audit[1]).toMatchObject({
      actorId: 'user_admin',
      targetType: 'jobs',
      targetId: null,
      requestId: 'req-1',
      at: at(1_000),
      detail: { filters: { sort: 'asc', paged: false }, returned: 2 },
    });
    expect(audit[0]!.detail).toEqual({
      filters: { ownerId: BOB, statuses: ['failed'], sort: 'desc', paged: false },
      returned: 1,
    });
  });

  it('accepts the admin scope without the admin role', async () => {
    const f = createJobManagementFixture();
    await f.submit();
    const scoped = { userId: 'svc', role: 'user' as const, scopes: ['admin'], via: 'api-key' as const };
    expect((await f.listAllJobs.execute({ principal: scoped }))._unsafeUnwrap().items).toHaveLength(1);
  });

  it('refuses an ordinary user with Forbidden and records nothing', async () => {
    const f = createJobManagementFixture();
    await f.submit();
    expect((await f.listAllJobs.execute({ principal: f.principal(ALICE) }))._unsafeUnwrapErr()).toMatchObject(
      {
        type: 'Forbidden',
      },
    );
    expect((await f.audit.list({ limit: 10 }))._unsafeUnwrap().items).toEqual([]);
  });
});

describe('AdminCancelJob', () => {
  it('cancels another user’s job and records who did it', async () => {
    const f = createJobManagementFixture();
    const job = await f.submit({ ownerId: BOB });
    const updates = await f.watch(job.id);

    const cancelled = (
      await f.adminCancelJob.execute({ principal: f.admin(), jobId: job.id, requestId: 'req-9' })
    )._unsafeUnwrap();

    expect(cancelled).toMatchObject({ status: 'cancelled', ownerId: BOB });
    expect(await f.job(job.id)).toEqual(cancelled);
    expect(updates.map((u) => u.status)).toEqual(['cancelled']);
    expect((await f.eventsOf(job.id)).at(-1)?.data).toMatchObject({ by: 'user_admin' });
    expect((await f.audit.list({ limit: 10 }))._unsafeUnwrap().items).toEqual([
      {
        id: '1',
        actorId: 'user_admin',
        action: 'job.admin-cancelled',
        targetType: 'job',
        targetId: job.id,
        detail: { ownerId: BOB, previousStatus: 'queued', status: 'cancelled' },
        at: at(0),
        requestId: 'req-9',
      },
    ]);
  });

  it('refuses an ordinary user (Forbidden), a finished job (409) and an unknown job (404)', async () => {
    const f = createJobManagementFixture();
    const job = await f.submit({ ownerId: BOB });
    const done = await f.completed((await f.submit()).id);
    expect(
      (await f.adminCancelJob.execute({ principal: f.principal(ALICE), jobId: job.id }))._unsafeUnwrapErr(),
    ).toMatchObject({ type: 'Forbidden' });
    expect((await f.job(job.id)).status).toBe('queued');
    expect(
      (await f.adminCancelJob.execute({ principal: f.admin(), jobId: done.id }))._unsafeUnwrapErr(),
    ).toMatchObject({
      type: 'IllegalJobTransition',
    });
    expect(
      (await f.adminCancelJob.execute({ principal: f.admin(), jobId: 'nope' }))._unsafeUnwrapErr(),
    ).toEqual({
      type: 'JobNotFound',
      jobId: 'nope',
    });
    expect((await f.audit.list({ limit: 10 }))._unsafeUnwrap().items).toEqual([]);
  });
});
