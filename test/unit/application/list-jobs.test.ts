import { describe, expect, it } from 'vitest';
import { ALICE, BOB } from '../../support/application-fixture.js';
import { createJobManagementFixture } from '../../support/job-management-fixture.js';

describe('ListJobs', () => {
  it('lists only the caller’s jobs, newest first by default', async () => {
    const f = createJobManagementFixture();
    const first = await f.submit();
    f.clock.advance(1_000);
    await f.submit({ ownerId: BOB });
    f.clock.advance(1_000);
    const second = await f.submit();

    const page = (await f.listJobs.execute({ principal: f.principal(ALICE) }))._unsafeUnwrap();
    expect(page.items.map((j) => j.id)).toEqual([second.id, first.id]);
    expect(page.nextCursor).toBeNull();
    expect(page.items[0]).toEqual(await f.job(second.id));
  });

  it('filters by statuses, batch and creation window, oldest first on request', async () => {
    const f = createJobManagementFixture();
    const queued = await f.submit();
    f.clock.advance(1_000);
    const failed = await f.failed((await f.submit()).id);
    f.clock.advance(1_000);
    const done = await f.completed((await f.submit()).id);
    const alice = f.principal(ALICE);
    const ids = async (filters: Parameters<typeof f.listJobs.execute>[0]) =>
      (await f.listJobs.execute(filters))._unsafeUnwrap().items.map((j) => j.id);

    expect(await ids({ principal: alice, statuses: ['failed', 'completed'], sort: 'asc' })).toEqual([
      failed.id,
      done.id,
    ]);
    expect(await ids({ principal: alice, statuses: ['queued'] })).toEqual([queued.id]);
    expect(
      await ids({
        principal: alice,
        createdAfter: failed.createdAt,
        createdBefore: done.createdAt,
      }),
    ).toEqual([failed.id]);
    expect(await ids({ principal: alice, batchId: 'no-such-batch' })).toEqual([]);
  });

  it('pages through every job exactly once', async () => {
    const f = createJobManagementFixture();
    const submitted = [];
    for (let i = 0; i < 7; i += 1) {
      submitted.push(await f.submit());
      if (i % 2 === 0) f.clock.advance(1_000); // some jobs share a creation time
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = (
        await f.listJobs.execute({ principal: f.principal(ALICE), limit: 3, ...(cursor ? { cursor } : {}) })
      )._unsafeUnwrap();
      seen.push(...page.items.map((j) => j.id));
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor !== undefined);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(7);
    expect(seen.sort()).toEqual(submitted.map((j) => j.id).sort());
  });

  it('answers InvalidCursor for a cursor the store did not make', async () => {
    const f = createJobManagementFixture();
    await f.submit();
    expect(
      (await f.listJobs.execute({ principal: f.principal(ALICE), cursor: 'forged' }))._unsafeUnwrapErr(),
    ).toEqual({ type: 'InvalidCursor', cursor: 'forged' });
  });
});
