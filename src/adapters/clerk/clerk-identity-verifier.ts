import { verifyToken } from '@clerk/backend';
import { TokenVerificationError, TokenVerificationErrorReason } from '@clerk/backend/errors';
import { err, errAsync, ok, okAsync, ResultAsync, type Result } from 'neverthrow';
import type { IdentityVerifier, InvalidToken, VerifiedIdentity } from '../../ports/identity-verifier.js';
import { normalizeIssuer, normalizePem, validateClerkSettings } from './clerk-settings.js';
import { VerifiedTokenCache, type VerifiedTokenCacheStats } from './verified-token-cache.js';

/** Options of {@link ClerkIdentityVerifier}. */
export interface ClerkIdentityVerifierOptions {
  /** The instance's PEM public key (SPKI, RSA-2048): `CLERK_JWT_KEY`. Literal `\n` are accepted. */
  readonly jwtKey: string;
  /** Expected `iss` (the Frontend API URL, e.g. `https://clerk.example.com`); Clerk does not check it. */
  readonly issuer: string;
  /** Origins allowed in `azp` (at least one). */
  readonly authorizedParties: readonly string[];
  /** Tolerated clock difference for `exp`, `nbf` and `iat`, in ms. Default 5000. */
  readonly clockSkewMs?: number | undefined;
  /**
   * Dotted path of the claim that makes the caller an admin when it is `'admin'` (or an array
   * containing it). Default `metadata.role`. `public_metadata.role` is always accepted as well.
   * Configure the claim in the Clerk dashboard (Sessions -> Customize session token), e.g.
   * `{ "metadata": "{{user.public_metadata}}", "email": "{{user.primary_email_address}}" }`.
   */
  readonly adminClaim?: string | undefined;
  /** How long a verified token is remembered, in ms (never past its `exp`). Default 10000; 0 disables. */
  readonly cacheTtlMs?: number | undefined;
  /** Most tokens remembered at once (least recently used are dropped). Default 10000. */
  readonly cacheMaxEntries?: number | undefined;
}

/** Longest token accepted; Clerk session tokens are about 1 KB. */
const MAX_TOKEN_LENGTH = 16_384;
const DEFAULT_ADMIN_CLAIM = 'metadata.role';
const PUBLIC_METADATA_ROLE = 'public_metadata.role';

const invalid = (reason: string): InvalidToken => ({ type: 'InvalidToken', reason });

/** Short, safe reasons for Clerk's verification failures (never Clerk's message, which may echo claims). */
const REASONS: Readonly<Record<string, string>> = {
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
export class ClerkIdentityVerifier implements IdentityVerifier {
  private readonly jwtKey: string;
  private readonly issuer: string;
  private readonly authorizedParties: string[];
  private readonly clockSkewMs: number;
  private readonly adminPaths: readonly (readonly string[])[];
  private readonly cache: VerifiedTokenCache;

  /** @throws Error listing every problem when the settings are unusable (a configuration bug). */
  constructor(options: ClerkIdentityVerifierOptions) {
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
    this.adminPaths = [...new Set([options.adminClaim ?? DEFAULT_ADMIN_CLAIM, PUBLIC_METADATA_ROLE])].map(
      (p) => p.split('.'),
    );
    this.cache = new VerifiedTokenCache(options.cacheTtlMs ?? 10_000, options.cacheMaxEntries ?? 10_000);
  }

  verify(token: string): ResultAsync<VerifiedIdentity, InvalidToken> {
    if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) return errAsync(invalid('malformed'));
    const cached = this.cache.get(token, Date.now());
    if (cached !== undefined) return okAsync(copyOf(cached));
    return new ResultAsync(
      this.verifyUncached(token).then((result) => {
        if (result.isOk()) this.cache.set(token, result.value, Date.now());
        return result.map(copyOf);
      }),
    );
  }

  /** Cache size and hit/miss counters since construction. */
  cacheStats(): VerifiedTokenCacheStats {
    return this.cache.stats();
  }

  private async verifyUncached(token: string): Promise<Result<VerifiedIdentity, InvalidToken>> {
    let claims: Readonly<Record<string, unknown>>;
    try {
      claims = (await verifyToken(token, {
        jwtKey: this.jwtKey,
        authorizedParties: this.authorizedParties,
        clockSkewInMs: this.clockSkewMs,
      })) as unknown as Readonly<Record<string, unknown>>;
    } catch (error) {
      const reason = error instanceof TokenVerificationError ? REASONS[error.reason] : undefined;
      // Anything else comes from a token whose JSON has the wrong shape (e.g. a `null` payload).
      return err(invalid(reason ?? 'malformed'));
    }
    const { iss, sub, sid, exp, email } = claims;
    if (typeof iss !== 'string' || normalizeIssuer(iss) !== this.issuer) return err(invalid('wrong issuer'));
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

function claimAt(claims: Readonly<Record<string, unknown>>, path: readonly string[]): unknown {
  let value: unknown = claims;
  for (const key of path) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
  }
  return value;
}

function grantsAdmin(value: unknown): boolean {
  return value === 'admin' || (Array.isArray(value) && value.includes('admin'));
}

function copyOf(identity: VerifiedIdentity): VerifiedIdentity {
  return { ...identity, expiresAt: new Date(identity.expiresAt.getTime()) };
}
