import { errAsync, okAsync } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import type { DispatchReport, DispatchWebhooks } from '../../../src/application/dispatch-webhooks.js';
import { WebhookDispatchLoop } from '../../../src/worker/webhook-dispatch-loop.js';
import { RecordingLogger } from '../../support/application-fixture.js';

const report = (attempted: number): DispatchReport => ({
  enqueued: 0,
  attempted,
  delivered: attempted,
  retrying: 0,
  failed: 0,
});

/** A use case that answers passes from a script (then idle passes) and counts them. */
function scripted(answers: Array<DispatchReport | 'down'>): { use: DispatchWebhooks; passes: () => number } {
  let passes = 0;
  const use = {
    execute: () => {
      const answer = answers[passes] ?? report(0);
      passes += 1;
      return answer === 'down'
        ? errAsync({ type: 'DatabaseUnavailable' as const, message: 'db down' })
        : okAsync(answer);
    },
  } as unknown as DispatchWebhooks;
  return { use, passes: () => passes };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('WebhookDispatchLoop', () => {
  it('runs a pass every interval, back to back while a backlog lasts, and past failed passes', async () => {
    const s = scripted([report(2), report(2), report(1), 'down']);
    const logger = new RecordingLogger();
    const loop = new WebhookDispatchLoop({
      dispatchWebhooks: s.use,
      logger,
      settings: { intervalMs: 200, batchSize: 2 },
    });
    loop.start();
    loop.start(); // idempotent
    await sleep(50);
    // Two full batches ran back to back, then the third (not full) pass; then the pause.
    expect(s.passes()).toBe(3);
    expect(loop.status).toMatchObject({ running: true, passes: 3, last: report(1) });
    await sleep(250);
    expect(s.passes()).toBe(4);
    expect(logger.entries.some((e) => e.msg === 'webhook dispatch pass failed')).toBe(true);
    await loop.stop();
    const after = s.passes();
    await sleep(250);
    expect(s.passes()).toBe(after);
    expect(loop.status.running).toBe(false);
  });

  it('stops promptly during a pause', async () => {
    const s = scripted([]);
    const loop = new WebhookDispatchLoop({
      dispatchWebhooks: s.use,
      logger: new RecordingLogger(),
      settings: { intervalMs: 60_000, batchSize: 10 },
    });
    loop.start();
    await sleep(20);
    const started = Date.now();
    await loop.stop();
    expect(Date.now() - started).toBeLessThan(100);
    expect(s.passes()).toBe(1);
  });
});
