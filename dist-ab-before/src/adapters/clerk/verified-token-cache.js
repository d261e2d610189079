/**
 * A bounded LRU of identities already verified, keyed by the exact token string. An entry lives
 * at most `ttlMs` and never past the token's own expiry, so it cannot extend a token's life; only
 * successful verifications are stored. A `ttlMs` or `maxEntries` of 0 disables it.
 */
export class VerifiedTokenCache {
    ttlMs;
    maxEntries;
    entries = new Map();
    hits = 0;
    misses = 0;
    constructor(ttlMs, maxEntries) {
        this.ttlMs = ttlMs;
        this.maxEntries = maxEntries;
        if (!Number.isFinite(ttlMs) || ttlMs < 0)
            throw new RangeError(`cache ttlMs must be >= 0, got ${ttlMs}`);
        if (!Number.isInteger(maxEntries) || maxEntries < 0)
            throw new RangeError(`cache maxEntries must be an integer >= 0, got ${maxEntries}`);
    }
    /** The identity cached for `token` at time `now` (epoch ms), or `undefined`. */
    get(token, now) {
        const entry = this.entries.get(token);
        if (entry === undefined) {
            this.misses++;
            return undefined;
        }
        this.entries.delete(token);
        if (now >= entry.until) {
            this.misses++;
            return undefined;
        }
        this.entries.set(token, entry); // most recently used goes last
        this.hits++;
        return entry.identity;
    }
    /** Remembers a verified identity, verified at `now` (epoch ms). */
    set(token, identity, now) {
        if (this.ttlMs === 0 || this.maxEntries === 0)
            return;
        const until = Math.min(now + this.ttlMs, identity.expiresAt.getTime());
        if (until <= now)
            return;
        this.entries.delete(token);
        while (this.entries.size >= this.maxEntries) {
            const oldest = this.entries.keys().next();
            if (oldest.done === true)
                break;
            this.entries.delete(oldest.value);
        }
        this.entries.set(token, { identity, until });
    }
    stats() {
        return { size: this.entries.size, hits: this.hits, misses: this.misses };
    }
}
//# sourceMappingURL=verified-token-cache.js.map