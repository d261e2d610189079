import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import { FixedClock } from '../../../src/adapters/memory/fixed-clock.js';
import { InMemoryIdempotencyStore } from '../../../src/adapters/memory/in-memory-idempotency-store.js';
import { SequentialIdGenerator } from '../../../src/adapters/memory/sequential-id-generator.js';
import {
  fingerprintOf,
  IdempotentExecution,
  type IdempotencySettings,
} from '../../../src/application/idempotent-execution.js';
import type { DatabaseUnavailable } from '../../../src/ports/errors.js';
import type { ClaimOutcome, RecordedResponse } from '../../../src/ports/idempotency-store.js';
import { RecordingLogger } from '../../support/application-fixture.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A store whose `complete` finds the claim lost (taken over meanwhile). */
class LosingStore extends InMemoryIdempotencyStore {
  override complete(): ResultAsync<boolean, DatabaseUnavailable> {
    return okAsync(false);
  }
}

/** A store that cannot be reached. */
class DownStore extends InMemoryIdempotencyStore {
  override claim(): ResultAsync<ClaimOutcome, DatabaseUnavailable> {
    return errAsync({ type: 'DatabaseUnavailable', message: 'down' });
  }
}
const ROUTE = 'POST /videos/generate';

function setup(
  settings: Partial<IdempotencySettings> = {},
  options: { realPauses?: boolean; store?: InMemoryIdempotencyStore } = {},
) {
  const clock = new FixedClock('2026-11-21T10:00:00.000Z');
  const store = options.store ?? new InMemoryIdempotencyStore();
  const logger = new RecordingLogger();
  const pauses: number[] = [];
  const execution = new IdempotentExecution({
    store,
    clock,
    ids: new SequentialIdGenerator(),
    logger,
    settings,
    // Pauses are recorded; they take no real time (one macrotask) unless `realPauses`.
    sleep: async (ms) => {
      pauses.push(ms);
      await new Promise((resolve) =>
        options.realPauses === true ? setTimeout(resolve, ms) : setImmediate(resolve),
      );
    },
  });
  let runs = 0;
  /** An operation that counts its runs and answers `status` with the run number in the body. */
  const operation =
    (status = 201) =>
    async (): Promise<RecordedResponse> => {
      runs += 1;
      return { status, body: JSON.stringify({ run: runs }), headers: { location: `/things/${runs}` } };
    };
  return { clock, store, logger, pauses, execution, operation, runs: () => runs };
}

const request = (body: unknown, key = 'key-1', ownerId = 'alice') => ({ ownerId, route: ROUTE, key, body });

describe('IdempotentExecution', () => {
  it('runs the operation once and replays its stored response to a repeat', async () => {
    const s = setup();
    const first = (await s.execution.execute(request({ topic: 'Tides' }), s.operation()))._unsafeUnwrap();
    const second = (await s.execution.execute(request({ topic: 'Tides' }), s.operation()))._unsafeUnwrap();
    expect(first).toEqual({
      replayed: false,
      response: { status: 201, body: '{"run":1}', headers: { location: '/things/1' } },
    });
    expect(second).toEqual({ replayed: true, response: first.response });
    expect(s.runs()).toBe(1);
  });

  it('fingerprints the canonical body: key order does not matter, values do', () => {
    expect(fingerprintOf({ a: 1, b: { c: 2, d: [1, 2] } })).toBe(
      fingerprintOf({ b: { d: [1, 2], c: 2 }, a: 1 }),
    );
    expect(fingerprintOf({ a: 1 })).not.toBe(fingerprintOf({ a: 2 }));
    expect(fingerprintOf({ a: 1 })).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses the same key with another body, without running', async () => {
    const s = setup();
    await s.execution.execute(request({ topic: 'Tides' }), s.operation());
    const reused = await s.execution.execute(request({ topic: 'Volcanoes' }), s.operation());
    expect(reused._unsafeUnwrapErr()).toEqual({ type: 'IdempotencyKeyReused', key: 'key-1' });
    expect(s.runs()).toBe(1);
  });

  it.each([
    ['empty', ''],
    ['256 characters', 'k'.repeat(256)],
    ['a control character', 'a\nb'],
    ['non-ASCII', 'clé'],
  ])('refuses a key that is %s, without running', async (_name, key) => {
    const s = setup();
    const result = await s.execution.execute(request({}, key), s.operation());
    expect(result._unsafeUnwrapErr()).toMatchObject({ type: 'InvalidIdempotencyKey' });
    expect(s.runs()).toBe(0);
  });

  it('stores 4xx answers like successes', async () => {
    const s = setup();
    await s.execution.execute(request({ topic: '' }), s.operation(422));
    const again = (await s.execution.execute(request({ topic: '' }), s.operation(201)))._unsafeUnwrap();
    expect(again).toMatchObject({ replayed: true, response: { status: 422, body: '{"run":1}' } });
  });

  it('releases the key after a 5xx answer, so a retry runs again', async () => {
    const s = setup();
    const failed = (await s.execution.execute(request({ topic: 'T' }), s.operation(503)))._unsafeUnwrap();
    expect(failed).toMatchObject({ replayed: false, response: { status: 503 } });
    expect((await s.store.find({ ownerId: 'alice', route: ROUTE, key: 'key-1' }))._unsafeUnwrap()).toBeNull();
    const retried = (await s.execution.execute(request({ topic: 'T' }), s.operation(201)))._unsafeUnwrap();
    expect(retried).toMatchObject({ replayed: false, response: { status: 201, body: '{"run":2}' } });
  });

  it('releases the key when the operation throws, and rethrows', async () => {
    const s = setup();
    const boom = async (): Promise<RecordedResponse> => {
      throw new Error('bug');
    };
    await expect(s.execution.execute(request({ topic: 'T' }), boom)).rejects.toThrow('bug');
    const retried = (await s.execution.execute(request({ topic: 'T' }), s.operation()))._unsafeUnwrap();
    expect(retried.replayed).toBe(false);
    expect(s.runs()).toBe(1);
  });

  it('makes a concurrent duplicate wait for the first and answer its response', async () => {
    const s = setup({}, { realPauses: true });
    let finish!: () => void;
    const slow = async (): Promise<RecordedResponse> => {
      await new Promise<void>((resolve) => {
        finish = resolve;
      });
      return { status: 201, body: '{"slow":true}', headers: {} };
    };
    const first = s.execution.execute(request({ topic: 'T' }), slow);
    const second = s.execution.execute(request({ topic: 'T' }), s.operation());
    // Let the duplicate poll a few times, then let the first finish.
    await new Promise((resolve) => setTimeout(resolve, 60));
    finish();
    expect((await first)._unsafeUnwrap()).toMatchObject({ replayed: false });
    expect((await second)._unsafeUnwrap()).toEqual({
      replayed: true,
      response: { status: 201, body: '{"slow":true}', headers: {} },
    });
    expect(s.runs()).toBe(0);
    // The pause doubles from 5 ms (up to 200 ms).
    expect(s.pauses.slice(0, 3)).toEqual([5, 10, 20]);
  });

  it('gives up waiting after waitMs with IdempotencyKeyInProgress', async () => {
    const s = setup({ waitMs: 1_000 });
    const never = () => new Promise<RecordedResponse>(() => undefined);
    void s.execution.execute(request({ topic: 'T' }), never);
    const second = await s.execution.execute(request({ topic: 'T' }), s.operation());
    expect(second._unsafeUnwrapErr()).toEqual({
      type: 'IdempotencyKeyInProgress',
      key: 'key-1',
      waitedMs: 1_000,
    });
    expect(s.pauses.reduce((a, b) => a + b, 0)).toBe(1_000);
    expect(s.runs()).toBe(0);
  });

  it('takes over a key abandoned in progress (its process died) after staleAfterMs', async () => {
    const s = setup({ staleAfterMs: 60_000, waitMs: 0 });
    void s.execution.execute(request({ topic: 'T' }), () => new Promise<RecordedResponse>(() => undefined));
    await new Promise((resolve) => setImmediate(resolve));
    s.clock.advance(61_000);
    const result = (await s.execution.execute(request({ topic: 'T' }), s.operation()))._unsafeUnwrap();
    expect(result).toMatchObject({ replayed: false, response: { status: 201 } });
  });

  it('keeps keys apart per user and per operation', async () => {
    const s = setup();
    await s.execution.execute(request({ topic: 'T' }, 'k', 'alice'), s.operation());
    const bob = (
      await s.execution.execute(request({ topic: 'T' }, 'k', 'bob'), s.operation())
    )._unsafeUnwrap();
    const otherRoute = (
      await s.execution.execute(
        { ...request({ topic: 'T' }, 'k', 'alice'), route: 'POST /videos/batch' },
        s.operation(),
      )
    )._unsafeUnwrap();
    expect(bob.replayed).toBe(false);
    expect(otherRoute.replayed).toBe(false);
    expect(s.runs()).toBe(3);
  });

  it('remembers a key for the TTL (24 h), then forgets it; purgeExpired deletes it', async () => {
    const s = setup();
    await s.execution.execute(request({ topic: 'T' }), s.operation());
    s.clock.advance(DAY_MS - 1);
    expect(
      (await s.execution.execute(request({ topic: 'Other' }), s.operation()))._unsafeUnwrapErr().type,
    ).toBe('IdempotencyKeyReused');
    s.clock.advance(1);
    expect((await s.execution.purgeExpired())._unsafeUnwrap()).toBe(1);
    const fresh = (await s.execution.execute(request({ topic: 'Other' }), s.operation()))._unsafeUnwrap();
    expect(fresh.replayed).toBe(false);
  });

  it('still answers when the response cannot be stored (claim lost), and logs it', async () => {
    const s = setup({}, { store: new LosingStore() });
    const result = (await s.execution.execute(request({ topic: 'T' }), s.operation()))._unsafeUnwrap();
    expect(result).toMatchObject({ replayed: false, response: { status: 201 } });
    expect(s.logger.entries).toContainEqual(
      expect.objectContaining({ level: 'warn', msg: 'idempotent response not stored' }),
    );
  });

  it('answers DatabaseUnavailable when the store is down, without running', async () => {
    const s = setup({}, { store: new DownStore() });
    const result = await s.execution.execute(request({ topic: 'T' }), s.operation());
    expect(result._unsafeUnwrapErr()).toEqual({ type: 'DatabaseUnavailable', message: 'down' });
    expect(s.runs()).toBe(0);
  });
});
