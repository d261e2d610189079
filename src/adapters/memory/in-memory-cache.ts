import type { Cache } from '../../ports/cache.js';

/** Options of {@link InMemoryCache}. */
export interface InMemoryCacheOptions {
  /** Most entries kept; storing one more evicts the least recently used. Default 10,000. */
  readonly maxEntries?: number;
  /** Clock in ms since the epoch (tests). Default `Date.now`. */
  readonly now?: () => number;
}

interface Entry {
  readonly value: string;
  /** When the entry expires, in ms since the epoch. */
  readonly expiresAt: number;
}

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
export class InMemoryCache implements Cache {
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: InMemoryCacheOptions = {}) {
    const maxEntries = options.maxEntries ?? 10_000;
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`);
    }
    this.maxEntries = maxEntries;
    this.now = options.now ?? Date.now;
  }

  /** Entries held, expired ones not yet dropped included. */
  get size(): number {
    return this.entries.size;
  }

  get(key: string): Promise<string | null> {
    const entry = this.entries.get(key);
    if (entry === undefined) return Promise.resolve(null);
    this.entries.delete(key);
    if (entry.expiresAt <= this.now()) return Promise.resolve(null);
    this.entries.set(key, entry);
    return Promise.resolve(entry.value);
  }

  set(key: string, value: string, ttlMs: number): Promise<void> {
    this.entries.delete(key);
    if (!(ttlMs > 0) || !Number.isFinite(ttlMs)) return Promise.resolve();
    this.entries.set(key, { value, expiresAt: this.now() + Math.ceil(ttlMs) });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value);
    }
    return Promise.resolve();
  }

  delete(key: string): Promise<void> {
    this.entries.delete(key);
    return Promise.resolve();
  }
}
