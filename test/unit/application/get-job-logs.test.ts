import { describe, expect, it } from 'vitest';
import { ALICE, BOB } from '../../support/application-fixture.js';
import { createJobManagementFixture } from '../../support/job-management-fixture.js';

describe('GetJobLogs', () => {
  it('pages through the caller’s job log, oldest first', async () => {
    const f = createJobManagementFixture();
    const job = await f.submit();
    await f.process();
    const all = await f.eventsOf(job.id);
    expect(all.length).toBeGreaterThan(5);

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = (
        await f.getJobLogs.execute({
          principal: f.principal(ALICE),
          jobId: job.id,
          limit: 2,
          ...(cursor ? { cursor } : {}),
        })
      )._unsafeUnwrap();
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((e) => e.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    expect(seen).toEqual(all.map((e) => e.id));
  });

  it('keeps only the asked levels', async () => {
    const f = createJobManagementFixture();
    const job = await f.submit();
    await f.activity.record(job, 'warn', 'rendering', 'scene 2 was slow');
    await f.activity.record(job, 'error', 'composing', 'ffmpeg complained');
    await f.activity.record(job, 'debug', 'composing', 'noise');
    const page = (
      await f.getJobLogs.execute({ principal: f.principal(ALICE), jobId: job.id, levels: ['warn', 'error'] })
    )._unsafeUnwrap();
    expect(page.items.map((e) => [e.level, e.message])).toEqual([
      ['warn', 'scene 2 was slow'],
      ['error', 'ffmpeg complained'],
    ]);
  });

  it('answers JobNotFound for another user’s job and InvalidCursor for a forged cursor', async () => {
    const f = createJobManagementFixture();
    const job = await f.submit();
    expect(
      (await f.getJobLogs.execute({ principal: f.principal(BOB), jobId: job.id }))._unsafeUnwrapErr(),
    ).toEqual({
      type: 'JobNotFound',
      jobId: job.id,
    });
    expect(
      (
        await f.getJobLogs.execute({ principal: f.principal(ALICE), jobId: job.id, cursor: 'abc' })
      )._unsafeUnwrapErr(),
    ).toEqual({ type: 'InvalidCursor', cursor: 'abc' });
  });
});
