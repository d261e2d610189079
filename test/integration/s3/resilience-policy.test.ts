import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import {
  CircuitOpenError,
  OperationTimeoutError,
} from '../../../src/adapters/resilience/resilience-errors.js';
import { createResiliencePolicy } from '../../../src/adapters/resilience/resilience-policy.js';

// The policy is generic (a database wrapper will reuse it): these tests use plain errors and a
// classification function, no S3. They live next to the S3 tests, which exercise it through the adapter.

class Transient extends Error {
  override readonly name = 'Transient';
}
class Permanent extends Error {
  override readonly name = 'Permanent';
}
const isRetryable = (error: unknown): boolean => error instanceof Transient;

describe('createResiliencePolicy', () => {
  it('retries transient failures only, up to maxAttempts in all', async () => {
    const policy = createResiliencePolicy({
      name: 'db',
      isRetryable,
      retry: { maxAttempts: 4, initialDelayMs: 1 },
    });
    let calls = 0;
    await expect(
      policy.execute(async () => {
        calls += 1;
        throw new Transient('busy');
      }),
    ).rejects.toBeInstanceOf(Transient);
    expect(calls).toBe(4);

    calls = 0;
    await expect(
      policy.execute(async () => {
        calls += 1;
        throw new Permanent('syntax error');
      }),
    ).rejects.toBeInstanceOf(Permanent);
    expect(calls).toBe(1);
    expect(policy.state()).toMatchObject({
      name: 'db',
      counts: { calls: 2, successes: 0, failures: 2, retries: 3 },
      lastFailure: { reason: 'Transient' },
    });
  });

  it('runs once when the call opts out of retries, still under the timeout', async () => {
    const policy = createResiliencePolicy({
      name: 'db',
      isRetryable,
      timeoutMs: 50,
      retry: { maxAttempts: 3 },
    });
    let calls = 0;
    const error = await policy
      .execute(
        () => {
          calls += 1;
          return new Promise(() => undefined);
        },
        { retry: false },
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OperationTimeoutError);
    expect(error).toMatchObject({ dependency: 'db', timeoutMs: 50 });
    expect(calls).toBe(1);
  });

  it('aborts the attempt signal on timeout, honours a per-call timeout, and never aborts after success', async () => {
    const policy = createResiliencePolicy({
      name: 'api',
      isRetryable,
      timeoutMs: 5_000,
      retry: { maxAttempts: 1 },
    });
    let seen: AbortSignal | undefined;
    const started = Date.now();
    await expect(
      policy.execute(
        (signal) => {
          seen = signal;
          return new Promise(() => undefined);
        },
        { timeoutMs: 40 },
      ),
    ).rejects.toBeInstanceOf(OperationTimeoutError);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(seen?.aborted).toBe(true);

    let kept: AbortSignal | undefined;
    await policy.execute(async (signal) => {
      kept = signal;
      return 'ok';
    });
    await sleep(20);
    expect(kept?.aborted).toBe(false);
  });

  it('opens a sampling breaker when the failure ratio is reached, with the retry time in the error', async () => {
    const policy = createResiliencePolicy({
      name: 'db',
      isRetryable,
      retry: { maxAttempts: 1 },
      breaker: { kind: 'sampling', failureRatio: 0.5, windowMs: 1_000, minimumRps: 1, halfOpenAfterMs: 200 },
    });
    const fail = (): Promise<never> => Promise.reject(new Transient('down'));
    for (let i = 0; i < 10 && policy.state().circuit === 'closed'; i++) {
      await policy.execute(fail).catch(() => undefined);
    }
    expect(policy.state().circuit).toBe('open');
    const error = await policy.execute(async () => 'never runs').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect((error as CircuitOpenError).retryAt).toBeInstanceOf(Date);
    expect(policy.state().halfOpenAt).toEqual((error as CircuitOpenError).retryAt);
    await sleep(220);
    expect(await policy.execute(async () => 'back')).toBe('back');
    expect(policy.state().circuit).toBe('closed');
  });

  it('lets a caller abort a call without counting it as a dependency failure', async () => {
    const policy = createResiliencePolicy({ name: 'db', isRetryable, timeoutMs: 5_000 });
    const controller = new AbortController();
    const pending = policy.execute(() => new Promise(() => undefined), { signal: controller.signal });
    controller.abort();
    const error = await pending.catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(OperationTimeoutError);
    expect(policy.state()).toMatchObject({ consecutiveFailures: 0, counts: { timeouts: 0, failures: 1 } });
  });

  it('refuses nonsense settings (programmer error)', () => {
    expect(() => createResiliencePolicy({ name: 'x', isRetryable, timeoutMs: 0 })).toThrow(RangeError);
    expect(() => createResiliencePolicy({ name: 'x', isRetryable, retry: { maxAttempts: 0 } })).toThrow(
      RangeError,
    );
    expect(() =>
      createResiliencePolicy({
        name: 'x',
        isRetryable,
        breaker: { kind: 'sampling', failureRatio: 2, windowMs: 1, minimumRps: 0, halfOpenAfterMs: 1 },
      }),
    ).toThrow(RangeError);
  });
});
