import { errAsync } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import { JobActivity, toUpdate } from '../../../src/application/job-activity.js';
import { ALICE, at, createApplicationFixture, eventId, T0 } from '../../support/application-fixture.js';

describe('JobActivity', () => {
  it('appends the event to the log and publishes the job with the message', async () => {
    const f = createApplicationFixture();
    const job = await f.submit();
    const updates = await f.watch(job.id);
    f.clock.advance(1_500);

    await f.activity.record(job, 'warn', 'composing', 'loudness normalisation skipped', { lufs: -30 });

    expect((await f.eventsOf(job.id)).at(-1)).toEqual({
      id: eventId(2),
      jobId: job.id,
      at: at(1_500),
      level: 'warn',
      stage: 'composing',
      message: 'loudness normalisation skipped',
      data: { lufs: -30 },
    });
    expect(updates).toEqual([toUpdate(job, at(1_500), 'loudness normalisation skipped')]);
    expect(updates[0]).toMatchObject({
      jobId: job.id,
      ownerId: ALICE,
      status: 'queued',
      at: at(1_500).toISOString(),
    });
  });

  it('still publishes, and only logs, when the event log is down', async () => {
    const f = createApplicationFixture();
    const job = await f.submit();
    const updates = await f.watch(job.id);
    const activity = new JobActivity({
      events: {
        append: () => errAsync({ type: 'DatabaseUnavailable', message: 'db down' }),
        list: f.events.list.bind(f.events),
        deleteForJob: f.events.deleteForJob.bind(f.events),
      },
      live: f.live,
      ids: f.eventIds,
      clock: f.clock,
      logger: f.logger,
    });

    await expect(activity.record(job, 'info', 'lifecycle', 'hello')).resolves.toBeUndefined();

    expect(updates).toHaveLength(1);
    expect(f.logger.entries).toContainEqual({
      level: 'warn',
      msg: 'job event not recorded',
      obj: { jobId: job.id, err: 'db down' },
    });
  });

  it('never throws when publishing fails', async () => {
    const f = createApplicationFixture();
    const job = await f.submit();
    const activity = new JobActivity({
      events: f.events,
      live: {
        publish: () => Promise.reject(new Error('redis gone')),
        subscribe: f.live.subscribe.bind(f.live),
      },
      ids: f.eventIds,
      clock: f.clock,
      logger: f.logger,
    });

    await expect(activity.record(job, 'info', 'lifecycle', 'still logged')).resolves.toBeUndefined();

    expect((await f.eventsOf(job.id)).map((e) => e.message)).toEqual(['Job queued', 'still logged']);
    expect(f.logger.entries).toContainEqual(
      expect.objectContaining({ level: 'warn', msg: 'job update not published' }),
    );
  });

  it('toUpdate leaves the message out when there is none', async () => {
    const f = createApplicationFixture();
    const job = await f.submit();
    const update = toUpdate(job, T0);
    expect(update).toEqual({
      jobId: job.id,
      ownerId: ALICE,
      status: 'queued',
      progress: { stage: 'queued', percent: 0 },
      attempts: 0,
      error: null,
      at: T0.toISOString(),
    });
    expect('message' in update).toBe(false);
  });
});
