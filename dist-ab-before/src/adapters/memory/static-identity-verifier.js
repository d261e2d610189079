import { errAsync, okAsync } from 'neverthrow';
const copyOf = (identity) => ({
    ...identity,
    expiresAt: new Date(identity.expiresAt.getTime()),
});
/**
 * {@link IdentityVerifier} over a fixed table of opaque tokens, for tests and local development:
 * a token is valid while the injected clock is before its identity's `expiresAt`. Held to the
 * same contract as `ClerkIdentityVerifier` (test/contract/identity-verifier.contract.ts).
 * Reasons: `malformed` (empty), `unknown token`, `expired`.
 */
export class StaticIdentityVerifier {
    clock;
    identities = new Map();
    /**
     * @param clock decides expiry.
     * @param identities initial `[token, identity]` pairs.
     */
    constructor(clock, identities = []) {
        this.clock = clock;
        for (const [token, identity] of identities)
            this.add(token, identity);
    }
    /**
     * Makes `token` stand for `identity` (replacing any previous one).
     * @throws RangeError for an empty token or an identity without a user id or a valid expiry.
     */
    add(token, identity) {
        if (token === '')
            throw new RangeError('StaticIdentityVerifier: token must not be empty');
        if (identity.userId === '')
            throw new RangeError('StaticIdentityVerifier: userId must not be empty');
        if (Number.isNaN(identity.expiresAt.getTime()))
            throw new RangeError('StaticIdentityVerifier: expiresAt must be a valid date');
        this.identities.set(token, copyOf(identity));
        return this;
    }
    /** Forgets `token`; `true` when it was known. */
    remove(token) {
        return this.identities.delete(token);
    }
    verify(token) {
        if (token === '')
            return errAsync({ type: 'InvalidToken', reason: 'malformed' });
        const identity = this.identities.get(token);
        if (identity === undefined)
            return errAsync({ type: 'InvalidToken', reason: 'unknown token' });
        if (this.clock.now().getTime() >= identity.expiresAt.getTime())
            return errAsync({ type: 'InvalidToken', reason: 'expired' });
        return okAsync(copyOf(identity));
    }
}
//# sourceMappingURL=static-identity-verifier.js.map