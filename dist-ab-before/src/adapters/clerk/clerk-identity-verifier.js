import { verifyToken } from '@clerk/backend';
import { TokenVerificationError, TokenVerificationErrorReason } from '@clerk/backend/errors';
import { err, errAsync, ok, okAsync, ResultAsync } from 'neverthrow';
import { normalizeIssuer, normalizePem, validateClerkSettings } from './clerk-settings.js';
import { VerifiedTokenCache } from './verified-token-cache.js';
/** Longest token accepted; Clerk session tokens are about 1 KB. */
const MAX_TOKEN_LENGTH = 16_384;
const DEFAULT_ADMIN_CLAIM = 'metadata.role';
const PUBLIC_METADATA_ROLE = 'public_metadata.role';
const invalid = (reason) => ({ type: 'InvalidToken', reason });
/** Short, safe reasons for Clerk's verification failures (never Clerk's message, which may echo claims). */
const REASONS = {
    [TokenVerificationErrorReason.TokenExpired]: 'expired',
    [TokenVerificationErrorReason.TokenNotActiveYet]: 'not yet valid',
    [TokenVerificationErrorReason.TokenIatInTheFuture]: 'not yet valid',
    [TokenVerificationErrorReason.TokenInvalidSignature]: 'bad signature',
    [TokenVerificationErrorReason.TokenInvalidAuthorizedParties]: 'wrong authorized party',
    [TokenVerificationErrorReason.TokenInvalidAlgorithm]: 'unsupported algorithm',
    [TokenVerificationErrorReason.TokenInvalid]: 'malformed',
    // Missing `sub`, non-numeric `exp`/`nbf`/`iat` (the key itself is checked at construction).
    [TokenVerificationErrorReason.TokenVerificationFailed]: 'malformed',
};
/**
 * {@link IdentityVerifier} for Clerk session JWTs, verified without network access by
 * `@clerk/backend`'s `verifyToken` with the instance's PEM public key (`jwtKey`): RS256 signature,
 * `exp`/`nbf`/`iat` within `clockSkewMs`, `azp` among `authorizedParties`, `sub` present. It then
 * checks what Clerk does not: `iss` equals the configured issuer. Claims map to
 * {@link VerifiedIdentity}: `sub` -> userId, `sid` -> sessionId, `email` -> email, `exp` ->
 * expiresAt, and role `admin` when the admin claim (see {@link ClerkIdentityVerifierOptions.adminClaim})
 * says so. `unsafe_metadata` (writable by the user) never grants anything.
 *
 * Successful verifications are cached briefly by token (see {@link VerifiedTokenCache}), so a
 * client repeating its token pays the RSA verification once per `cacheTtlMs`. Time is the system
 * clock, because Clerk's own checks read it.
 */
export class ClerkIdentityVerifier {
    jwtKey;
    issuer;
    authorizedParties;
    clockSkewMs;
    adminPaths;
    cache;
    /** @throws Error listing every problem when the settings are unusable (a configuration bug). */
    constructor(options) {
        const problems = validateClerkSettings({
            jwtKey: options.jwtKey,
            issuer: options.issuer,
            authorizedParties: options.authorizedParties,
            adminClaim: options.adminClaim,
        });
        const clockSkewMs = options.clockSkewMs ?? 5000;
        if (!Number.isFinite(clockSkewMs) || clockSkewMs < 0)
            problems.push(`clockSkewMs: must be a number of ms >= 0, got ${clockSkewMs}`);
        if (problems.length > 0)
            throw new Error(`ClerkIdentityVerifier: invalid settings:\n- ${problems.join('\n- ')}`);
        this.jwtKey = normalizePem(options.jwtKey);
        this.issuer = normalizeIssuer(options.issuer);
        this.authorizedParties = [...options.authorizedParties];
        this.clockSkewMs = clockSkewMs;
        this.adminPaths = [...new Set([options.adminClaim ?? DEFAULT_ADMIN_CLAIM, PUBLIC_METADATA_ROLE])].map((p) => p.split('.'));
        this.cache = new VerifiedTokenCache(options.cacheTtlMs ?? 10_000, options.cacheMaxEntries ?? 10_000);
    }
    verify(token) {
        if (token.length === 0 || token.length > MAX_TOKEN_LENGTH)
            return errAsync(invalid('malformed'));
        const cached = this.cache.get(token, Date.now());
        if (cached !== undefined)
            return okAsync(copyOf(cached));
        return new ResultAsync(this.verifyUncached(token).then((result) => {
            if (result.isOk())
                this.cache.set(token, result.value, Date.now());
            return result.map(copyOf);
        }));
    }
    /** Cache size and hit/miss counters since construction. */
    cacheStats() {
        return this.cache.stats();
    }
    async verifyUncached(token) {
        let claims;
        try {
            claims = (await verifyToken(token, {
                jwtKey: this.jwtKey,
                authorizedParties: this.authorizedParties,
                clockSkewInMs: this.clockSkewMs,
            }));
        }
        catch (error) {
            const reason = error instanceof TokenVerificationError ? REASONS[error.reason] : undefined;
            // Anything else comes from a token whose JSON has the wrong shape (e.g. a `null` payload).
            return err(invalid(reason ?? 'malformed'));
        }
        const { iss, sub, sid, exp, email } = claims;
        if (typeof iss !== 'string' || normalizeIssuer(iss) !== this.issuer)
            return err(invalid('wrong issuer'));
        if (typeof sub !== 'string' || sub === '' || typeof exp !== 'number' || !Number.isFinite(exp))
            return err(invalid('malformed'));
        return ok({
            userId: sub,
            email: typeof email === 'string' && email !== '' ? email : null,
            role: this.adminPaths.some((path) => grantsAdmin(claimAt(claims, path))) ? 'admin' : 'user',
            sessionId: typeof sid === 'string' && sid !== '' ? sid : null,
            expiresAt: new Date(exp * 1000),
        });
    }
}
function claimAt(claims, path) {
    let value = claims;
    for (const key of path) {
        if (typeof value !== 'object' || value === null || Array.isArray(value))
            return undefined;
        value = Object.hasOwn(value, key) ? value[key] : undefined;
    }
    return value;
}
function grantsAdmin(value) {
    return value === 'admin' || (Array.isArray(value) && value.includes('admin'));
}
function copyOf(identity) {
    return { ...identity, expiresAt: new Date(identity.expiresAt.getTime()) };
}
//# sourceMappingURL=clerk-identity-verifier.js.map