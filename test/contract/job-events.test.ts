import { describe, expect, it } from 'vitest';
import { InProcessJobEvents } from '../../src/adapters/memory/in-process-job-events.js';
import type { Logger } from '../../src/ports/logger.js';
import { describeJobEventsContract, updateOf } from './job-events.contract.js';

describeJobEventsContract('in-process', () =>
  Promise.resolve({ events: new InProcessJobEvents(), close: () => Promise.resolve() }),
);

describe('InProcessJobEvents (in-process only)', () => {
  it('delivers an update published from inside a listener after the current one, to everyone', async () => {
    const events = new InProcessJobEvents();
    const first: number[] = [];
    const second: number[] = [];
    await events.subscribe('job-a', (u) => {
      first.push(u.progress.percent);
      if (u.progress.percent === 10) void events.publish(updateOf('job-a', 20));
    });
    await events.subscribe('job-a', (u) => second.push(u.progress.percent));
    await events.publish(updateOf('job-a', 10));
    expect(first).toEqual([10, 20]);
    expect(second).toEqual([10, 20]);
  });

  it('reports throwing and rejecting listeners to the logger and forgets empty jobs', async () => {
    const warnings: Record<string, unknown>[] = [];
    const logger: Logger = {
      debug: () => undefined,
      info: () => undefined,
      warn: (obj) => warnings.push(obj),
      error: () => undefined,
      child: () => logger,
    };
    const events = new InProcessJobEvents({ logger });
    const unsubscribeThrowing = await events.subscribe('job-a', () => {
      throw new Error('sync bug');
    });
    const unsubscribeRejecting = await events.subscribe('job-a', (() =>
      Promise.reject(new Error('async bug'))) as () => void);
    await events.publish(updateOf('job-a', 10));
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings.map((w) => (w['err'] as Error).message).sort()).toEqual(['async bug', 'sync bug']);
    expect(events.subscriberCount('job-a')).toBe(2);
    await unsubscribeThrowing();
    await unsubscribeRejecting();
    expect(events.subscriberCount('job-a')).toBe(0);
  });

  it('stops a listener unsubscribed by another listener during the same delivery', async () => {
    const events = new InProcessJobEvents();
    const late: number[] = [];
    let unsubscribeLate: () => Promise<void> = () => Promise.resolve();
    await events.subscribe('job-a', () => void unsubscribeLate());
    unsubscribeLate = await events.subscribe('job-a', (u) => late.push(u.progress.percent));
    await events.publish(updateOf('job-a', 10));
    expect(late).toEqual([]);
  });
});
