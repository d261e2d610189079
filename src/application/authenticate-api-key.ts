import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import type { Principal } from '../domain/principal.js';
import type { ApiKeyRepository } from '../ports/api-key-repository.js';
import type { Clock } from '../ports/clock.js';
import type { DatabaseUnavailable } from '../ports/errors.js';
import type { UserRepository } from '../ports/user-repository.js';
import { hashApiKey } from './api-keys.js';
import type { Unauthenticated } from './errors.js';

/** Keys longer than this are refused before hashing. */
const MAX_KEY_LENGTH = 256;
/** `lastUsedAt` is written at most once per this many ms per key. */
const TOUCH_INTERVAL_MS = 60_000;

/** Most principals kept by the verified-key cache; past it the cache starts over. */
const CACHE_MAX_ENTRIES = 1_000;

/**
 * Resolves an `X-API-Key` value to the principal it belongs to. With `cacheTtlMs` > 0, a key
 * that resolved is served from memory for that many ms (two database reads and the SHA-256 saved
 * per request on the hot path); a revoked key or a changed role then takes effect within that
 * time. Unknown, malformed and revoked keys are never cached. The cache is keyed by the presented
 * key itself (at most 1,000 verified keys, each for at most `cacheTtlMs`, in process memory only:
 * never logged, persisted or exposed), so a hit costs one map lookup.
 */
export class AuthenticateApiKey {
  private readonly touchedAt = new Map<string, number>();
  private readonly verified = new Map<string, { readonly principal: Principal; readonly until: number }>();

  constructor(
    private readonly deps: {
      readonly apiKeys: ApiKeyRepository;
      readonly users: UserRepository;
      readonly clock: Clock;
      /** How long a resolved key is served from memory, in ms; default 0 (every call reads the store). */
      readonly cacheTtlMs?: number;
    },
  ) {}

  /**
   * The principal of `key` when it was verified less than `cacheTtlMs` ago, else `null` (then call
   * {@link execute}). Synchronous: lets the HTTP adapter skip a promise on the hot path.
   */
  cached(key: string): Principal | null {
    if ((this.deps.cacheTtlMs ?? 0) <= 0) return null;
    const hit = this.verified.get(key);
    return hit !== undefined && hit.until > this.deps.clock.now().getTime() ? hit.principal : null;
  }

  /** @returns the principal, `Unauthenticated` (unknown, malformed or revoked key) or `DatabaseUnavailable`. */
  execute(key: string): ResultAsync<Principal, Unauthenticated | DatabaseUnavailable> {
    if (key.length < 16 || key.length > MAX_KEY_LENGTH || /\s/.test(key))
      return errAsync({ type: 'Unauthenticated', reason: 'malformed API key' });
    const hit = this.cached(key);
    if (hit !== null) return okAsync(hit);
    const ttlMs = this.deps.cacheTtlMs ?? 0;
    return this.resolve(hashApiKey(key)).map((principal) => {
      if (ttlMs > 0) {
        if (this.verified.size >= CACHE_MAX_ENTRIES) this.verified.clear();
        this.verified.set(key, { principal, until: this.deps.clock.now().getTime() + ttlMs });
      }
      return principal;
    });
  }

  private resolve(hash: string): ResultAsync<Principal, Unauthenticated | DatabaseUnavailable> {
    return this.deps.apiKeys.findByHash(hash).andThen((record) => {
      if (record === null)
        return errAsync<Principal, Unauthenticated>({ type: 'Unauthenticated', reason: 'unknown API key' });
      if (record.revokedAt !== null)
        return errAsync<Principal, Unauthenticated>({ type: 'Unauthenticated', reason: 'revoked API key' });
      const now = this.deps.clock.now();
      const last = this.touchedAt.get(record.id) ?? 0;
      if (now.getTime() - last > TOUCH_INTERVAL_MS) {
        this.touchedAt.set(record.id, now.getTime());
        void this.deps.apiKeys.touch(record.id, now);
      }
      return this.deps.users.findById(record.ownerId).andThen((user) =>
        okAsync<Principal, Unauthenticated | DatabaseUnavailable>({
          userId: record.ownerId,
          role: user?.role ?? 'user',
          scopes: record.scopes,
          via: 'api-key',
          keyId: record.id,
        }),
      );
    });
  }
}
