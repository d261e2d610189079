import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  ClaimOutcome,
  IdempotencyClaim,
  IdempotencyScope,
  IdempotencyStore,
  RecordedResponse,
} from '../../src/ports/idempotency-store.js';

/** One fresh store per test. */
export interface IdempotencyStoreSubject {
  readonly store: IdempotencyStore;
  close(): Promise<void>;
}

const T0 = new Date('2026-11-21T12:00:00.000Z');
const DAY_MS = 24 * 60 * 60 * 1000;
const at = (ms: number): Date => new Date(T0.getTime() + ms);

/** A scope no other test uses (stores may be shared between tests of a file). */
const newScope = (overrides: Partial<IdempotencyScope> = {}): IdempotencyScope => ({
  ownerId: `owner-${randomUUID()}`,
  route: 'POST /videos/generate',
  key: randomUUID(),
  ...overrides,
});

const claimOf = (scope: IdempotencyScope, overrides: Partial<IdempotencyClaim> = {}): IdempotencyClaim => ({
  scope,
  fingerprint: 'f'.repeat(64),
  token: randomUUID(),
  now: T0,
  expiresAt: at(DAY_MS),
  staleBefore: at(-60_000),
  ...overrides,
});

const response: RecordedResponse = {
  status: 201,
  // Exact bytes: key order, spacing and non-ASCII text survive the round trip.
  body: '{"id":"job-1","topic":"Ünïcödé — ✓","b":1,"a":2}',
  headers: {
    'content-type': 'application/json; charset=utf-8',
    location: '/api/v1/videos/jobs/job-1/status',
  },
};

/**
 * Runs the {@link IdempotencyStore} contract against one adapter: atomic claim (one winner among
 * concurrent claims), complete and release fenced by the claim token, takeover of expired and
 * abandoned keys, scope isolation, exact response round trip, purge.
 */
export function describeIdempotencyStoreContract(
  adapterName: string,
  makeSubject: () => Promise<IdempotencyStoreSubject>,
): void {
  describe(`IdempotencyStore contract [${adapterName}]`, () => {
    let s: IdempotencyStoreSubject;
    beforeEach(async () => {
      s = await makeSubject();
    });
    afterEach(async () => {
      await s.close();
    });

    it('claims a new key: the record is in progress with its fingerprint and token', async () => {
      const scope = newScope();
      const claim = claimOf(scope);
      expect((await s.store.claim(claim))._unsafeUnwrap()).toEqual({ kind: 'claimed' });
      expect((await s.store.find(scope))._unsafeUnwrap()).toEqual({
        scope,
        fingerprint: claim.fingerprint,
        state: 'in_progress',
        token: claim.token,
        lockedAt: T0,
        response: null,
        createdAt: T0,
        expiresAt: at(DAY_MS),
      });
    });

    it('answers the existing record to a second claim, leaving it untouched', async () => {
      const scope = newScope();
      const first = claimOf(scope);
      await s.store.claim(first);
      const second = (
        await s.store.claim(claimOf(scope, { fingerprint: 'other', now: at(1_000) }))
      )._unsafeUnwrap();
      expect(second).toMatchObject({
        kind: 'existing',
        record: { state: 'in_progress', token: first.token, fingerprint: first.fingerprint },
      });
    });

    it('stores the response of the claim holder and answers it exactly afterwards', async () => {
      const scope = newScope();
      const claim = claimOf(scope);
      await s.store.claim(claim);
      expect((await s.store.complete(scope, claim.token, response))._unsafeUnwrap()).toBe(true);
      const again = (await s.store.claim(claimOf(scope, { now: at(5_000) })))._unsafeUnwrap();
      expect(again).toEqual({
        kind: 'existing',
        record: expect.objectContaining({ state: 'completed', response, fingerprint: claim.fingerprint }),
      });
      expect((await s.store.find(scope))._unsafeUnwrap()?.response).toEqual(response);
    });

    it('refuses to complete or release with another token', async () => {
      const scope = newScope();
      await s.store.claim(claimOf(scope));
      expect((await s.store.complete(scope, 'not-the-token', response))._unsafeUnwrap()).toBe(false);
      expect((await s.store.release(scope, 'not-the-token'))._unsafeUnwrap()).toBe(false);
      expect((await s.store.find(scope))._unsafeUnwrap()).toMatchObject({
        state: 'in_progress',
        response: null,
      });
    });

    it('releases a claim so the key can be claimed again', async () => {
      const scope = newScope();
      const claim = claimOf(scope);
      await s.store.claim(claim);
      expect((await s.store.release(scope, claim.token))._unsafeUnwrap()).toBe(true);
      expect((await s.store.find(scope))._unsafeUnwrap()).toBeNull();
      const retry = claimOf(scope, { fingerprint: 'e'.repeat(64) });
      expect((await s.store.claim(retry))._unsafeUnwrap()).toEqual({ kind: 'claimed' });
      expect((await s.store.find(scope))._unsafeUnwrap()).toMatchObject({ fingerprint: retry.fingerprint });
    });

    it('never releases a completed key', async () => {
      const scope = newScope();
      const claim = claimOf(scope);
      await s.store.claim(claim);
      await s.store.complete(scope, claim.token, response);
      expect((await s.store.release(scope, claim.token))._unsafeUnwrap()).toBe(false);
      expect((await s.store.find(scope))._unsafeUnwrap()).toMatchObject({ state: 'completed' });
    });

    it('keeps keys apart by owner, route and key', async () => {
      const scope = newScope();
      await s.store.claim(claimOf(scope));
      for (const other of [
        { ...scope, ownerId: `${scope.ownerId}-b` },
        { ...scope, route: 'POST /videos/batch' },
        { ...scope, key: `${scope.key}-2` },
      ])
        expect((await s.store.claim(claimOf(other)))._unsafeUnwrap()).toEqual({ kind: 'claimed' });
    });

    it('takes over an expired key as a new claim', async () => {
      const scope = newScope();
      const old = claimOf(scope, { expiresAt: at(1_000) });
      await s.store.claim(old);
      await s.store.complete(scope, old.token, response);
      const fresh = claimOf(scope, {
        now: at(1_000),
        expiresAt: at(1_000 + DAY_MS),
        staleBefore: at(-59_000),
      });
      expect((await s.store.claim(fresh))._unsafeUnwrap()).toEqual({ kind: 'claimed' });
      expect((await s.store.find(scope))._unsafeUnwrap()).toMatchObject({
        state: 'in_progress',
        token: fresh.token,
        response: null,
        createdAt: at(1_000),
      });
    });

    it('takes over an abandoned in-progress key; the old holder can no longer complete it', async () => {
      const scope = newScope();
      const old = claimOf(scope);
      await s.store.claim(old);
      const notYet = claimOf(scope, { now: at(30_000), staleBefore: at(-30_000) });
      expect((await s.store.claim(notYet))._unsafeUnwrap().kind).toBe('existing');
      const later = claimOf(scope, { now: at(61_000), staleBefore: at(1_000) });
      expect((await s.store.claim(later))._unsafeUnwrap()).toEqual({ kind: 'claimed' });
      expect((await s.store.complete(scope, old.token, response))._unsafeUnwrap()).toBe(false);
      expect((await s.store.complete(scope, later.token, response))._unsafeUnwrap()).toBe(true);
    });

    it('never takes over a completed key before it expires, however old', async () => {
      const scope = newScope();
      const claim = claimOf(scope);
      await s.store.claim(claim);
      await s.store.complete(scope, claim.token, response);
      const late = claimOf(scope, { now: at(DAY_MS - 1), staleBefore: at(DAY_MS - 60_001) });
      expect((await s.store.claim(late))._unsafeUnwrap()).toMatchObject({
        kind: 'existing',
        record: { state: 'completed' },
      });
    });

    it('gives exactly one of 20 concurrent claims of a key', async () => {
      const scope = newScope();
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, async (): Promise<ClaimOutcome> =>
          (await s.store.claim(claimOf(scope)))._unsafeUnwrap(),
        ),
      );
      expect(outcomes.filter((o) => o.kind === 'claimed')).toHaveLength(1);
      const tokens = new Set(outcomes.flatMap((o) => (o.kind === 'existing' ? [o.record.token] : [])));
      expect(tokens.size).toBe(1);
    });

    it('purges expired keys only', async () => {
      const expired = newScope();
      const live = newScope();
      await s.store.claim(claimOf(expired, { expiresAt: at(1_000) }));
      await s.store.claim(claimOf(live, { expiresAt: at(DAY_MS) }));
      expect((await s.store.purgeExpired(at(1_000)))._unsafeUnwrap()).toBeGreaterThanOrEqual(1);
      expect((await s.store.find(expired))._unsafeUnwrap()).toBeNull();
      expect((await s.store.find(live))._unsafeUnwrap()).not.toBeNull();
    });
  });
}
