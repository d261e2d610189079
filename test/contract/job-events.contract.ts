import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobEvents, JobUpdate } from '../../src/ports/job-events.js';

/**
 * A fresh bus per test. `peer` is a second instance on the same bus (another API process, for
 * Redis); adapters without one leave it out and the peer test uses `events` on both sides.
 */
export interface JobEventsSubject {
  readonly events: JobEvents;
  readonly peer?: JobEvents;
  close(): Promise<void>;
}

/** An update of `jobId` with `percent` (the rest fixed), for ordering assertions. */
export function updateOf(jobId: string, percent: number, message?: string): JobUpdate {
  return {
    jobId,
    ownerId: 'owner-1',
    status: percent >= 100 ? 'completed' : 'processing',
    progress: { stage: percent >= 100 ? 'done' : 'rendering', percent },
    attempts: 1,
    error: null,
    at: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, percent)).toISOString(),
    ...(message === undefined ? {} : { message }),
  };
}

/** Polls `condition` until it holds; fails with `what` after `timeoutMs` (delivery may be asynchronous). */
export async function eventually(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) expect.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The JobEvents port's behaviour, run against every adapter (in-process, Redis). */
export function describeJobEventsContract(
  adapterName: string,
  makeSubject: () => Promise<JobEventsSubject>,
): void {
  describe(`JobEvents contract [${adapterName}]`, () => {
    let subject: JobEventsSubject;
    let events: JobEvents;

    beforeEach(async () => {
      subject = await makeSubject();
      events = subject.events;
    });

    afterEach(async () => {
      await subject.close();
    });

    const collect = async (on: JobEvents, jobId: string) => {
      const seen: JobUpdate[] = [];
      const unsubscribe = await on.subscribe(jobId, (update) => seen.push(update));
      return { seen, unsubscribe };
    };

    it("delivers a job's updates to its subscriber, in publish order", async () => {
      const { seen } = await collect(events, 'job-a');
      const updates = [0, 10, 25, 50, 75, 90, 100].map((p) => updateOf('job-a', p, `at ${p}`));
      for (const update of updates) await events.publish(update);
      await eventually(() => seen.length === updates.length, 'all updates');
      expect(seen).toEqual(updates);
    });

    it("does not deliver other jobs' updates", async () => {
      const a = await collect(events, 'job-a');
      const b = await collect(events, 'job-b');
      await events.publish(updateOf('job-b', 10));
      await events.publish(updateOf('job-a', 20));
      await events.publish(updateOf('job-c', 30));
      await events.publish(updateOf('job-b', 40));
      await eventually(() => a.seen.length === 1 && b.seen.length === 2, 'both jobs’ updates');
      await events.publish(updateOf('job-a', 50));
      await eventually(() => a.seen.length === 2, 'the second job-a update');
      expect(a.seen.map((u) => u.progress.percent)).toEqual([20, 50]);
      expect(b.seen.map((u) => u.progress.percent)).toEqual([10, 40]);
    });

    it('gives two subscribers of one job identical lists', async () => {
      const first = await collect(events, 'job-a');
      const second = await collect(events, 'job-a');
      for (let p = 0; p <= 100; p += 5) await events.publish(updateOf('job-a', p));
      await eventually(() => first.seen.length === 21 && second.seen.length === 21, '21 updates each');
      expect(second.seen).toEqual(first.seen);
      expect(first.seen.map((u) => u.progress.percent)).toEqual(Array.from({ length: 21 }, (_, i) => i * 5));
    });

    it('stops delivery after unsubscribe, to that subscriber only; unsubscribe is idempotent', async () => {
      const leaving = await collect(events, 'job-a');
      const staying = await collect(events, 'job-a');
      await events.publish(updateOf('job-a', 10));
      await eventually(() => leaving.seen.length === 1 && staying.seen.length === 1, 'the first update');
      await leaving.unsubscribe();
      await leaving.unsubscribe();
      await events.publish(updateOf('job-a', 20));
      await events.publish(updateOf('job-a', 30));
      await eventually(() => staying.seen.length === 3, 'updates after unsubscribe');
      expect(leaving.seen.map((u) => u.progress.percent)).toEqual([10]);
    });

    it('keeps delivering to other listeners, and resolves publish, when a listener throws', async () => {
      let thrown = 0;
      await events.subscribe('job-a', () => {
        thrown += 1;
        throw new Error('listener bug');
      });
      const healthy = await collect(events, 'job-a');
      await expect(events.publish(updateOf('job-a', 10))).resolves.toBeUndefined();
      await expect(events.publish(updateOf('job-a', 20))).resolves.toBeUndefined();
      await eventually(() => healthy.seen.length === 2, 'updates to the healthy listener');
      expect(thrown).toBe(2);
      expect(healthy.seen.map((u) => u.progress.percent)).toEqual([10, 20]);
    });

    it('publishes without subscribers', async () => {
      await expect(events.publish(updateOf('job-nobody', 50))).resolves.toBeUndefined();
    });

    it('delivers to a subscriber on a peer instance of the same bus', async () => {
      const peer = subject.peer ?? events;
      const remote = await collect(peer, 'job-a');
      await events.publish(updateOf('job-a', 60, 'rendering scene 3'));
      await eventually(() => remote.seen.length === 1, 'the update on the peer');
      expect(remote.seen[0]).toEqual(updateOf('job-a', 60, 'rendering scene 3'));
    });
  });
}
