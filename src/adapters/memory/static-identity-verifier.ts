import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import type { Clock } from '../../ports/clock.js';
import type { IdentityVerifier, InvalidToken, VerifiedIdentity } from '../../ports/identity-verifier.js';

const copyOf = (identity: VerifiedIdentity): VerifiedIdentity => ({
  ...identity,
  expiresAt: new Date(identity.expiresAt.getTime()),
});

/**
 * {@link IdentityVerifier} over a fixed table of opaque tokens, for tests and local development:
 * a token is valid while the injected clock is before its identity's `expiresAt`. Held to the
 * same contract as `ClerkIdentityVerifier` (test/contract/identity-verifier.contract.ts).
 * Reasons: `malformed` (empty), `unknown token`, `expired`.
 */
export class StaticIdentityVerifier implements IdentityVerifier {
  private readonly identities = new Map<string, VerifiedIdentity>();

  /**
   * @param clock decides expiry.
   * @param identities initial `[token, identity]` pairs.
   */
  constructor(
    private readonly clock: Clock,
    identities: Iterable<readonly [string, VerifiedIdentity]> = [],
  ) {
    for (const [token, identity] of identities) this.add(token, identity);
  }

  /**
   * Makes `token` stand for `identity` (replacing any previous one).
   * @throws RangeError for an empty token or an identity without a user id or a valid expiry.
   */
  add(token: string, identity: VerifiedIdentity): this {
    if (token === '') throw new RangeError('StaticIdentityVerifier: token must not be empty');
    if (identity.userId === '') throw new RangeError('StaticIdentityVerifier: userId must not be empty');
    if (Number.isNaN(identity.expiresAt.getTime()))
      throw new RangeError('StaticIdentityVerifier: expiresAt must be a valid date');
    this.identities.set(token, copyOf(identity));
    return this;
  }

  /** Forgets `token`; `true` when it was known. */
  remove(token: string): boolean {
    return this.identities.delete(token);
  }

  verify(token: string): ResultAsync<VerifiedIdentity, InvalidToken> {
    if (token === '') return errAsync({ type: 'InvalidToken', reason: 'malformed' });
    const identity = this.identities.get(token);
    if (identity === undefined) return errAsync({ type: 'InvalidToken', reason: 'unknown token' });
    if (this.clock.now().getTime() >= identity.expiresAt.getTime())
      return errAsync({ type: 'InvalidToken', reason: 'expired' });
    return okAsync(copyOf(identity));
  }
}
