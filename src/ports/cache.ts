/**
 * A small key-value cache for hot reads (job status). Values may vanish at any time; an outage
 * is a miss. Methods never reject: a cache must not fail the request that uses it.
 */
export interface Cache {
  /** The cached value, or `null` on a miss, an expired entry or an outage. */
  get(key: string): Promise<string | null>;
  /** Stores `value` for `ttlMs` milliseconds (best effort). */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Removes the key (best effort); used to invalidate on change. */
  delete(key: string): Promise<void>;
}
