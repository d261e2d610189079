import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IdentityVerifier } from '../../src/ports/identity-verifier.js';

/** The identity a subject should mint a token for. */
export interface TokenRequest {
  readonly userId: string;
  readonly email?: string;
  readonly sessionId?: string;
  readonly role?: 'user' | 'admin';
  /** Lifetime from now, in seconds. Default 60. */
  readonly ttlSeconds?: number;
}

/** An adapter under test, and how to make tokens it accepts. */
export interface IdentityVerifierSubject {
  readonly verifier: IdentityVerifier;
  /** Now, as the verifier sees it: the suite starts at a whole second. */
  now(): Date;
  /** A token the verifier accepts for `request`. */
  mint(request: TokenRequest): string;
  /** A token for `userId` that expired `agoSeconds` ago (beyond any clock skew). */
  mintExpired(userId: string, agoSeconds: number): string;
  /** Moves the verifier's clock forward. */
  advance(ms: number): void;
  /** The tolerance the verifier allows past `exp`, in ms. */
  readonly clockSkewMs: number;
  close(): void;
}

/** Runs the {@link IdentityVerifier} contract against the subject `makeSubject` builds, fresh per test. */
export function describeIdentityVerifierContract(
  name: string,
  makeSubject: () => IdentityVerifierSubject,
): void {
  describe(`IdentityVerifier contract [${name}]`, () => {
    let subject: IdentityVerifierSubject;
    beforeEach(() => {
      subject = makeSubject();
    });
    afterEach(() => subject.close());

    const inSeconds = (s: number) => new Date(subject.now().getTime() + s * 1000);

    it('accepts a valid token and maps its identity', async () => {
      const token = subject.mint({
        userId: 'user_1',
        email: 'ada@example.com',
        sessionId: 'sess_1',
        ttlSeconds: 60,
      });
      const result = await subject.verifier.verify(token);
      expect(result._unsafeUnwrap()).toEqual({
        userId: 'user_1',
        email: 'ada@example.com',
        role: 'user',
        sessionId: 'sess_1',
        expiresAt: inSeconds(60),
      });
    });

    it('maps the admin role', async () => {
      const result = await subject.verifier.verify(subject.mint({ userId: 'user_admin', role: 'admin' }));
      expect(result._unsafeUnwrap()).toMatchObject({ userId: 'user_admin', role: 'admin' });
    });

    it('gives null email and session id when the token has none', async () => {
      const result = await subject.verifier.verify(subject.mint({ userId: 'user_2' }));
      expect(result._unsafeUnwrap()).toMatchObject({
        userId: 'user_2',
        email: null,
        sessionId: null,
        role: 'user',
      });
    });

    it('tells tokens of different users apart, also when verified concurrently', async () => {
      const tokens = Array.from({ length: 20 }, (_, i) => subject.mint({ userId: `user_${i}` }));
      const results = await Promise.all([...tokens, ...tokens].map((t) => subject.verifier.verify(t)));
      expect(results.map((r) => r._unsafeUnwrap().userId)).toEqual(
        [...tokens, ...tokens].map((_, i) => `user_${i % 20}`),
      );
    });

    it('answers the same for the same token and hands out independent copies', async () => {
      const token = subject.mint({ userId: 'user_3', ttlSeconds: 120 });
      const first = (await subject.verifier.verify(token))._unsafeUnwrap();
      first.expiresAt.setTime(0);
      const second = (await subject.verifier.verify(token))._unsafeUnwrap();
      expect(second.expiresAt).toEqual(inSeconds(120));
      expect(second.userId).toBe('user_3');
    });

    it('rejects an expired token as expired', async () => {
      const result = await subject.verifier.verify(subject.mintExpired('user_4', 60));
      expect(result._unsafeUnwrapErr()).toEqual({ type: 'InvalidToken', reason: 'expired' });
    });

    it('stops accepting a token once it expires, even one verified before', async () => {
      const token = subject.mint({ userId: 'user_5', ttlSeconds: 3 });
      expect((await subject.verifier.verify(token)).isOk()).toBe(true);
      subject.advance(3000 + subject.clockSkewMs);
      expect((await subject.verifier.verify(token))._unsafeUnwrapErr()).toEqual({
        type: 'InvalidToken',
        reason: 'expired',
      });
    });

    it.each([
      ['empty', ''],
      ['garbage', 'not-a-token'],
      ['three garbage parts', 'a.b.c'],
    ])('rejects a %s token with a short reason that does not echo it', async (_, token) => {
      const error = (await subject.verifier.verify(token))._unsafeUnwrapErr();
      expect(error.type).toBe('InvalidToken');
      expect(error.reason.length).toBeGreaterThan(0);
      expect(error.reason.length).toBeLessThanOrEqual(40);
      if (token !== '') expect(error.reason).not.toContain(token);
    });

    it('rejects a token altered by one character', async () => {
      const token = subject.mint({ userId: 'user_6' });
      const altered = token.slice(0, -2) + (token.at(-2) === 'A' ? 'B' : 'A') + token.slice(-1);
      const result = await subject.verifier.verify(altered);
      expect(result._unsafeUnwrapErr().type).toBe('InvalidToken');
    });
  });
}
