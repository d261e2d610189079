import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Cache } from '../../src/ports/cache.js';

/**
 * A fresh cache per test. `sibling` shares the subject's store but not its keys (another key
 * prefix on the same Redis; another instance in memory).
 */
export interface CacheSubject {
  readonly cache: Cache;
  readonly sibling: Cache;
  close(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The Cache port's behaviour, run against every adapter (memory, Redis). */
export function describeCacheContract(adapterName: string, makeSubject: () => Promise<CacheSubject>): void {
  describe(`Cache contract [${adapterName}]`, () => {
    let subject: CacheSubject;
    let cache: Cache;

    beforeEach(async () => {
      subject = await makeSubject();
      cache = subject.cache;
    });

    afterEach(async () => {
      await subject.close();
    });

    it('returns what was stored', async () => {
      await cache.set('job-status:a', '{"status":"queued"}', 10_000);
      await expect(cache.get('job-status:a')).resolves.toBe('{"status":"queued"}');
    });

    it('keeps values byte for byte (unicode, empty, large)', async () => {
      const values = ['', 'é ✓ 🎬', 'x'.repeat(100_000)];
      for (const [i, value] of values.entries()) await cache.set(`v${i}`, value, 10_000);
      for (const [i, value] of values.entries()) await expect(cache.get(`v${i}`)).resolves.toBe(value);
    });

    it('misses a key never stored', async () => {
      await expect(cache.get('never-stored')).resolves.toBeNull();
    });

    it('misses once the TTL has passed, and not before', async () => {
      await cache.set('short', 'v', 60);
      await cache.set('long', 'v', 10_000);
      await expect(cache.get('short')).resolves.toBe('v');
      await sleep(150);
      await expect(cache.get('short')).resolves.toBeNull();
      await expect(cache.get('long')).resolves.toBe('v');
    });

    it('stores nothing for a TTL that is not a positive number, and removes the old value', async () => {
      await cache.set('k', 'old', 10_000);
      await cache.set('k', 'new', 0);
      await expect(cache.get('k')).resolves.toBeNull();
      await cache.set('negative', 'v', -5);
      await cache.set('nan', 'v', Number.NaN);
      await expect(cache.get('negative')).resolves.toBeNull();
      await expect(cache.get('nan')).resolves.toBeNull();
    });

    it('rounds a fractional TTL up instead of failing', async () => {
      await cache.set('fraction', 'v', 0.4);
      await cache.set('fraction-long', 'v', 5_000.5);
      await expect(cache.get('fraction-long')).resolves.toBe('v');
    });

    it('deletes a key; deleting a missing key is fine', async () => {
      await cache.set('k', 'v', 10_000);
      await cache.delete('k');
      await expect(cache.get('k')).resolves.toBeNull();
      await expect(cache.delete('k')).resolves.toBeUndefined();
      await expect(cache.delete('never-stored')).resolves.toBeUndefined();
    });

    it('overwrites a value and its TTL', async () => {
      await cache.set('k', 'first', 60);
      await cache.set('k', 'second', 10_000);
      await expect(cache.get('k')).resolves.toBe('second');
      await sleep(150);
      await expect(cache.get('k')).resolves.toBe('second');
      await cache.set('k', 'third', 60);
      await sleep(150);
      await expect(cache.get('k')).resolves.toBeNull();
    });

    it('keeps keys of another prefix apart', async () => {
      await cache.set('shared-name', 'mine', 10_000);
      await expect(subject.sibling.get('shared-name')).resolves.toBeNull();
      await subject.sibling.set('shared-name', 'theirs', 10_000);
      await expect(cache.get('shared-name')).resolves.toBe('mine');
      await subject.sibling.delete('shared-name');
      await expect(cache.get('shared-name')).resolves.toBe('mine');
    });

    it('serves concurrent operations on distinct keys', async () => {
      const keys = Array.from({ length: 50 }, (_, i) => `c${i}`);
      await Promise.all(keys.map((k) => cache.set(k, k.toUpperCase(), 10_000)));
      const read = await Promise.all(keys.map((k) => cache.get(k)));
      expect(read).toEqual(keys.map((k) => k.toUpperCase()));
    });
  });
}
