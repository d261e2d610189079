import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WorkSignal } from '../../src/ports/work-signal.js';

/**
 * A fresh signal per test. `peer` is a second instance on the same channel (another process, for
 * PostgreSQL); adapters without one leave it out and the peer tests use `signal` on both sides.
 */
export interface WorkSignalSubject {
  readonly signal: WorkSignal;
  readonly peer?: WorkSignal;
  close(): Promise<void>;
}

/** Polls `condition` until it holds; fails with `what` after `timeoutMs` (delivery may be asynchronous). */
async function eventually(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) expect.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** Lets an asynchronous adapter deliver anything still in flight before asserting an absence. */
const settle = (ms = 100): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A listener that counts its calls. */
function counter(): { readonly calls: () => number; readonly listener: () => void } {
  let calls = 0;
  return {
    calls: () => calls,
    listener: () => {
      calls += 1;
    },
  };
}

/**
 * The WorkSignal port's behaviour, run against every adapter (in-process, PostgreSQL LISTEN/NOTIFY).
 * Delivery may be asynchronous; a listener may be called more often than signals were sent (a
 * reconnect wakes everyone), never less for a signal sent after its subscribe resolved.
 */
export function describeWorkSignalContract(
  adapterName: string,
  makeSubject: () => Promise<WorkSignalSubject>,
): void {
  describe(`WorkSignal contract [${adapterName}]`, () => {
    let subject: WorkSignalSubject;
    let signal: WorkSignal;
    let peer: WorkSignal;

    beforeEach(async () => {
      subject = await makeSubject();
      signal = subject.signal;
      peer = subject.peer ?? subject.signal;
    });

    afterEach(async () => {
      await subject.close();
    });

    it('resolves notify() with no subscriber', async () => {
      await expect(signal.notify()).resolves.toBeUndefined();
    });

    it('wakes a subscriber on notify', async () => {
      const c = counter();
      await signal.subscribe(c.listener);
      await signal.notify();
      await eventually(() => c.calls() >= 1, 'the wake-up');
    });

    it('wakes every subscriber of the process with one notify', async () => {
      const a = counter();
      const b = counter();
      await signal.subscribe(a.listener);
      await signal.subscribe(b.listener);
      await signal.notify();
      await eventually(() => a.calls() >= 1 && b.calls() >= 1, 'both wake-ups');
    });

    it('delivers each signal sent after the previous one arrived', async () => {
      const c = counter();
      await signal.subscribe(c.listener);
      for (let n = 1; n <= 5; n += 1) {
        await signal.notify();
        await eventually(() => c.calls() >= n, `wake-up ${n}`);
      }
      await settle();
      expect(c.calls()).toBe(5);
    });

    it('wakes the subscriber of another instance on the same channel (another process)', async () => {
      const c = counter();
      await signal.subscribe(c.listener);
      await peer.notify();
      await eventually(() => c.calls() >= 1, "the peer's wake-up");
      const back = counter();
      await peer.subscribe(back.listener);
      await signal.notify();
      await eventually(() => back.calls() >= 1, 'the wake-up sent back to the peer');
    });

    it('stops calling a listener once its unsubscribe resolved, and keeps the others', async () => {
      const gone = counter();
      const kept = counter();
      const unsubscribe = await signal.subscribe(gone.listener);
      await signal.subscribe(kept.listener);
      await unsubscribe();
      await unsubscribe(); // idempotent
      await signal.notify();
      await eventually(() => kept.calls() >= 1, 'the remaining listener');
      await settle();
      expect(gone.calls()).toBe(0);
    });

    it('subscribes the same function twice as two listeners, each removed on its own', async () => {
      const c = counter();
      const first = await signal.subscribe(c.listener);
      await signal.subscribe(c.listener);
      await first();
      await signal.notify();
      await eventually(() => c.calls() >= 1, 'the second registration');
      await settle();
      expect(c.calls()).toBe(1);
    });

    it('keeps delivering to the others when a listener throws', async () => {
      const c = counter();
      await signal.subscribe(() => {
        throw new Error('listener bug');
      });
      await signal.subscribe(c.listener);
      await signal.notify();
      await eventually(() => c.calls() >= 1, 'the healthy listener');
      await signal.notify();
      await eventually(() => c.calls() >= 2, 'a later signal');
    });

    it('delivers a notify sent from inside a listener', async () => {
      let calls = 0;
      await signal.subscribe(() => {
        calls += 1;
        if (calls === 1) void signal.notify();
      });
      await signal.notify();
      await eventually(() => calls >= 2, 'the signal sent by the listener');
    });
  });
}
