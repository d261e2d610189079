import { afterAll, describe, expect, it } from 'vitest';
import { InMemoryCache } from '../../src/adapters/memory/in-memory-cache.js';
import { RedisCache } from '../../src/adapters/redis/redis-cache.js';
import { createRedisConnection, type RedisConnection } from '../../src/adapters/redis/redis-connection.js';
import { describeRedisUnavailable, MemoryLogger, testRedis, uniqueTestPrefix } from '../support/redis.js';
import { describeCacheContract } from './cache.contract.js';

describeCacheContract('memory', () =>
  Promise.resolve({
    cache: new InMemoryCache(),
    sibling: new InMemoryCache(),
    close: () => Promise.resolve(),
  }),
);

describe('InMemoryCache (memory only)', () => {
  it('evicts the least recently used entry beyond maxEntries; a hit refreshes recency', async () => {
    const cache = new InMemoryCache({ maxEntries: 3 });
    await cache.set('a', '1', 10_000);
    await cache.set('b', '2', 10_000);
    await cache.set('c', '3', 10_000);
    await expect(cache.get('a')).resolves.toBe('1'); // a is now the most recent: b is the oldest
    await cache.set('d', '4', 10_000);
    expect(cache.size).toBe(3);
    await expect(cache.get('b')).resolves.toBeNull();
    await expect(cache.get('a')).resolves.toBe('1');
    await expect(cache.get('c')).resolves.toBe('3');
    await expect(cache.get('d')).resolves.toBe('4');
    await cache.set('c', '3b', 10_000); // an overwrite refreshes too: a is now the oldest
    await cache.set('e', '5', 10_000);
    await expect(cache.get('a')).resolves.toBeNull();
    await expect(cache.get('c')).resolves.toBe('3b');
  });

  it('expires exactly at the TTL on its clock, and drops the expired entry when read', async () => {
    let now = 1_000_000;
    const cache = new InMemoryCache({ now: () => now });
    await cache.set('k', 'v', 100);
    now += 99;
    await expect(cache.get('k')).resolves.toBe('v');
    now += 1;
    await expect(cache.get('k')).resolves.toBeNull();
    expect(cache.size).toBe(0);
  });

  it('rejects a bound that is not a positive integer', () => {
    expect(() => new InMemoryCache({ maxEntries: 0 })).toThrow(RangeError);
    expect(() => new InMemoryCache({ maxEntries: 1.5 })).toThrow(RangeError);
  });
});

describe('RedisCache with Redis down (no server needed)', () => {
  it('misses, ignores writes, never rejects, answers at once and logs the outage once', async () => {
    const logger = new MemoryLogger();
    // Port 1 on loopback refuses connections at once.
    const connection = createRedisConnection({ url: 'redis://127.0.0.1:1', logger, connectTimeoutMs: 200 });
    await expect(connection.connect()).rejects.toThrow(/did not answer within 200 ms/);
    const cache = new RedisCache({ connection, logger });
    try {
      const started = performance.now();
      for (let i = 0; i < 20; i += 1) {
        await expect(cache.get('k')).resolves.toBeNull();
        await expect(cache.set('k', 'v', 1_000)).resolves.toBeUndefined();
        await expect(cache.delete('k')).resolves.toBeUndefined();
      }
      expect(performance.now() - started).toBeLessThan(250);
      const outages = logger.lines.filter((l) => l.level === 'warn' && l.msg === 'redis cache unavailable');
      expect(outages).toHaveLength(1);
    } finally {
      await connection.close();
    }
  });
});

const redis = await testRedis();

if (redis.url !== null) {
  const url = redis.url;
  const logger = new MemoryLogger();
  const connection: RedisConnection = createRedisConnection({ url, logger, name: 'cache-contract' });
  await connection.connect();
  afterAll(() => connection.close());

  describeCacheContract('redis', () => {
    const prefix = uniqueTestPrefix('cache');
    return Promise.resolve({
      cache: new RedisCache({ connection, logger, keyPrefix: `${prefix}a:` }),
      sibling: new RedisCache({ connection, logger, keyPrefix: `${prefix}b:` }),
      close: async () => {
        const keys = await connection.client.keys(`${prefix}*`);
        if (keys.length > 0) await connection.client.del(keys);
      },
    });
  });

  describe('RedisCache (redis only)', () => {
    it('stores under the key prefix with a PX expiry', async () => {
      const prefix = uniqueTestPrefix('cache-px');
      const cache = new RedisCache({ connection, logger, keyPrefix: prefix });
      await cache.set('job-status:1', 'v', 5_000);
      const pttl = await connection.client.pTTL(`${prefix}job-status:1`);
      expect(pttl).toBeGreaterThan(4_000);
      expect(pttl).toBeLessThanOrEqual(5_000);
      await cache.delete('job-status:1');
    });
  });
} else {
  describeRedisUnavailable('Cache contract [redis]', redis);
}
