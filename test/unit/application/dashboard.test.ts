import { describe, expect, it } from 'vitest';
import { ALICE, BOB } from '../../support/application-fixture.js';
import { createJobManagementFixture } from '../../support/job-management-fixture.js';

describe('GetDashboardStats', () => {
  it('adds the success rate and active jobs to the caller’s statistics', async () => {
    const f = createJobManagementFixture();
    for (let i = 0; i < 3; i += 1) await f.completed((await f.submit()).id, { seconds: 10 });
    await f.failed((await f.submit()).id);
    await f.processing((await f.submit()).id);
    await f.submit();
    await f.failed((await f.submit({ ownerId: BOB })).id);

    const stats = (await f.getDashboardStats.execute({ principal: f.principal(ALICE) }))._unsafeUnwrap();
    expect(stats).toEqual({
      counts: { queued: 1, processing: 1, completed: 3, failed: 1, cancelled: 0 },
      total: 6,
      completedLast24h: 3,
      averageProcessingSeconds: 10,
      p95ProcessingSeconds: 10,
      storedBytes: 3_000,
      successRate: 0.75,
      active: 2,
      windowHours: 24,
    });
  });

  it('has no success rate before any job ended', async () => {
    const f = createJobManagementFixture();
    await f.submit();
    expect(
      (await f.getDashboardStats.execute({ principal: f.principal(ALICE) }))._unsafeUnwrap(),
    ).toMatchObject({
      successRate: null,
      active: 1,
      total: 1,
    });
  });
});

describe('ListRecentJobs', () => {
  it('answers the caller’s newest jobs, 10 by default, at most 50', async () => {
    const f = createJobManagementFixture();
    const mine = [];
    for (let i = 0; i < 12; i += 1) {
      mine.push(await f.submit());
      f.clock.advance(1_000);
    }
    await f.submit({ ownerId: BOB });
    const alice = f.principal(ALICE);
    const recent = (await f.listRecentJobs.execute({ principal: alice }))._unsafeUnwrap();
    expect(recent.map((j) => j.id)).toEqual(
      mine
        .slice(2)
        .reverse()
        .map((j) => j.id),
    );
    expect((await f.listRecentJobs.execute({ principal: alice, limit: 3 }))._unsafeUnwrap()).toHaveLength(3);
    expect((await f.listRecentJobs.execute({ principal: alice, limit: 500 }))._unsafeUnwrap()).toHaveLength(
      12,
    );
  });
});
