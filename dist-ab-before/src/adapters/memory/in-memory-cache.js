/**
 * `Cache` in one process's memory (the embedded mode; Redis shares a cache between processes).
 *
 * - An entry lives `ttlMs` milliseconds (fractions round up); a `ttlMs` that is not a positive
 *   finite number stores nothing and removes the key. Expired entries read as misses and are
 *   dropped when read or evicted.
 * - At most `maxEntries` entries: a `get` hit or a `set` makes the key the most recently used, and
 *   storing beyond the bound evicts the least recently used first (a `Map` keeps insertion order).
 * - Never rejects.
 */
export class InMemoryCache {
    entries = new Map();
    maxEntries;
    now;
    constructor(options = {}) {
        const maxEntries = options.maxEntries ?? 10_000;
        if (!Number.isInteger(maxEntries) || maxEntries < 1) {
            throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`);
        }
        this.maxEntries = maxEntries;
        this.now = options.now ?? Date.now;
    }
    /** Entries held, expired ones not yet dropped included. */
    get size() {
        return this.entries.size;
    }
    get(key) {
        const entry = this.entries.get(key);
        if (entry === undefined)
            return Promise.resolve(null);
        this.entries.delete(key);
        if (entry.expiresAt <= this.now())
            return Promise.resolve(null);
        this.entries.set(key, entry);
        return Promise.resolve(entry.value);
    }
    set(key, value, ttlMs) {
        this.entries.delete(key);
        if (!(ttlMs > 0) || !Number.isFinite(ttlMs))
            return Promise.resolve();
        this.entries.set(key, { value, expiresAt: this.now() + Math.ceil(ttlMs) });
        while (this.entries.size > this.maxEntries) {
            const oldest = this.entries.keys().next();
            if (oldest.done === true)
                break;
            this.entries.delete(oldest.value);
        }
        return Promise.resolve();
    }
    delete(key) {
        this.entries.delete(key);
        return Promise.resolve();
    }
}
//# sourceMappingURL=in-memory-cache.js.map