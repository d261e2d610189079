import { errAsync, okAsync } from 'neverthrow';
import { hashApiKey } from './api-keys.js';
/** Keys longer than this are refused before hashing. */
const MAX_KEY_LENGTH = 256;
/** `lastUsedAt` is written at most once per this many ms per key. */
const TOUCH_INTERVAL_MS = 60_000;
/** Most principals kept by the verified-key cache; past it the cache starts over. */
const CACHE_MAX_ENTRIES = 1_000;
/**
 * Resolves an `X-API-Key` value to the principal it belongs to. With `cacheTtlMs` > 0, a key
 * that resolved is served from memory for that many ms (two database reads saved per request on
 * the hot path); a revoked key or a changed role then takes effect within that time. Unknown,
 * malformed and revoked keys are never cached.
 */
export class AuthenticateApiKey {
    deps;
    touchedAt = new Map();
    verified = new Map();
    constructor(deps) {
        this.deps = deps;
    }
    /** @returns the principal, `Unauthenticated` (unknown, malformed or revoked key) or `DatabaseUnavailable`. */
    execute(key) {
        if (key.length < 16 || key.length > MAX_KEY_LENGTH || /\s/.test(key))
            return errAsync({ type: 'Unauthenticated', reason: 'malformed API key' });
        const hash = hashApiKey(key);
        const ttlMs = this.deps.cacheTtlMs ?? 0;
        if (ttlMs > 0) {
            const hit = this.verified.get(hash);
            if (hit !== undefined && hit.until > this.deps.clock.now().getTime())
                return okAsync(hit.principal);
        }
        return this.resolve(hash).map((principal) => {
            if (ttlMs > 0) {
                if (this.verified.size >= CACHE_MAX_ENTRIES)
                    this.verified.clear();
                this.verified.set(hash, { principal, until: this.deps.clock.now().getTime() + ttlMs });
            }
            return principal;
        });
    }
    resolve(hash) {
        return this.deps.apiKeys.findByHash(hash).andThen((record) => {
            if (record === null)
                return errAsync({ type: 'Unauthenticated', reason: 'unknown API key' });
            if (record.revokedAt !== null)
                return errAsync({ type: 'Unauthenticated', reason: 'revoked API key' });
            const now = this.deps.clock.now();
            const last = this.touchedAt.get(record.id) ?? 0;
            if (now.getTime() - last > TOUCH_INTERVAL_MS) {
                this.touchedAt.set(record.id, now.getTime());
                void this.deps.apiKeys.touch(record.id, now);
            }
            return this.deps.users.findById(record.ownerId).andThen((user) => okAsync({
                userId: record.ownerId,
                role: user?.role ?? 'user',
                scopes: record.scopes,
                via: 'api-key',
                keyId: record.id,
            }));
        });
    }
}
//# sourceMappingURL=authenticate-api-key.js.map