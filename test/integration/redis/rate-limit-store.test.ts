import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createRedisConnection, type RedisConnection } from '../../../src/adapters/redis/redis-connection.js';
import {
  createRedisRateLimitStore,
  RATE_LIMIT_LUA,
  type RateLimitStoreClass,
} from '../../../src/adapters/redis/redis-rate-limit-store.js';
import { describeRedisUnavailable, MemoryLogger, testRedis, uniqueTestPrefix } from '../../support/redis.js';

/** A Fastify app limited to `max` requests per 10 s per client (one client: `client-1`). */
async function appWith(
  store: RateLimitStoreClass,
  options: { max?: number; skipOnError?: boolean } = {},
): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(rateLimit, {
    store,
    max: options.max ?? 3,
    timeWindow: 10_000,
    skipOnError: options.skipOnError ?? true,
    keyGenerator: () => 'client-1',
  });
  app.get('/ping', () => ({ ok: true }));
  app.get('/strict', { config: { rateLimit: { max: 1, timeWindow: 10_000 } } }, () => ({ ok: true }));
  await app.ready();
  return app;
}

const apps: FastifyInstance[] = [];
const connections: RedisConnection[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
  for (const connection of connections.splice(0)) await connection.close();
});

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await run();
  return { value, ms: performance.now() - started };
}

describe('RedisRateLimitStore with Redis down (no server needed)', () => {
  const downStore = async (logger: MemoryLogger) => {
    // Port 1 on loopback refuses connections at once; the service starts anyway.
    const connection = createRedisConnection({ url: 'redis://127.0.0.1:1', logger, connectTimeoutMs: 200 });
    connections.push(connection);
    await expect(connection.connect()).rejects.toThrow();
    return createRedisRateLimitStore({ connection, logger });
  };

  it('fails open with skipOnError: every request answers 200 within 1 s, the outage logged once', async () => {
    const logger = new MemoryLogger();
    const app = await appWith(await downStore(logger), { max: 1, skipOnError: true });
    apps.push(app);
    for (let i = 0; i < 5; i += 1) {
      const { value: res, ms } = await timed(() => app.inject({ method: 'GET', url: '/ping' }));
      expect(res.statusCode).toBe(200);
      expect(ms).toBeLessThan(1_000);
    }
    expect(logger.messages('warn').filter((m) => m === 'redis rate limit unavailable')).toHaveLength(1);
  });

  it('fails closed without skipOnError: 503 with Retry-After and code RATE_LIMIT_UNAVAILABLE, within 1 s', async () => {
    const app = await appWith(await downStore(new MemoryLogger()), { skipOnError: false });
    apps.push(app);
    const { value: res, ms } = await timed(() => app.inject({ method: 'GET', url: '/ping' }));
    expect(ms).toBeLessThan(1_000);
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.json()).toMatchObject({ statusCode: 503, code: 'RATE_LIMIT_UNAVAILABLE' });
  });
});

const redis = await testRedis();

if (redis.url !== null) {
  const url = redis.url;
  const logger = new MemoryLogger();
  const connection = createRedisConnection({ url, logger, name: 'rate-limit-test' });
  await connection.connect();
  afterAll(() => connection.close());

  describe('RedisRateLimitStore [redis]', () => {
    it('enforces one limit across two Fastify instances sharing Redis, with headers', async () => {
      const keyPrefix = uniqueTestPrefix('rate-limit');
      const first = await appWith(createRedisRateLimitStore({ connection, logger, keyPrefix }));
      const second = await appWith(createRedisRateLimitStore({ connection, logger, keyPrefix }));
      apps.push(first, second);
      const statuses: number[] = [];
      const remaining: string[] = [];
      for (const app of [first, second, first, second, first]) {
        const res = await app.inject({ method: 'GET', url: '/ping' });
        statuses.push(res.statusCode);
        remaining.push(String(res.headers['x-ratelimit-remaining']));
        expect(res.headers['x-ratelimit-limit']).toBe('3');
        expect(Number(res.headers['x-ratelimit-reset'])).toBeGreaterThan(0);
        expect(Number(res.headers['x-ratelimit-reset'])).toBeLessThanOrEqual(10);
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      expect(remaining).toEqual(['2', '1', '0', '0', '0']);
      const limited = await second.inject({ method: 'GET', url: '/ping' });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      const pttl = await connection.client.pTTL(`${keyPrefix}client-1`);
      expect(pttl).toBeGreaterThan(0);
      expect(pttl).toBeLessThanOrEqual(10_000);
    });

    it('counts a route with its own limit under its own key (child store)', async () => {
      const keyPrefix = uniqueTestPrefix('rate-limit');
      const app = await appWith(createRedisRateLimitStore({ connection, logger, keyPrefix }));
      apps.push(app);
      expect((await app.inject({ method: 'GET', url: '/strict' })).statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url: '/strict' })).statusCode).toBe(429);
      expect((await app.inject({ method: 'GET', url: '/ping' })).statusCode).toBe(200);
      expect(await connection.client.get(`${keyPrefix}GET/strict-client-1`)).toBe('2');
      expect(await connection.client.get(`${keyPrefix}client-1`)).toBe('1');
    });

    it('starts a new window after the time window', async () => {
      const keyPrefix = uniqueTestPrefix('rate-limit');
      const app = Fastify();
      apps.push(app);
      await app.register(rateLimit, {
        store: createRedisRateLimitStore({ connection, logger, keyPrefix }),
        max: 1,
        timeWindow: 150,
        keyGenerator: () => 'client-1',
      });
      app.get('/ping', () => ({ ok: true }));
      expect((await app.inject({ method: 'GET', url: '/ping' })).statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url: '/ping' })).statusCode).toBe(429);
      await new Promise((resolve) => setTimeout(resolve, 250));
      expect((await app.inject({ method: 'GET', url: '/ping' })).statusCode).toBe(200);
    });

    it('supports the non-incrementing read of createRateLimit({ increment: false })', async () => {
      const keyPrefix = uniqueTestPrefix('rate-limit');
      const app = await appWith(createRedisRateLimitStore({ connection, logger, keyPrefix }));
      apps.push(app);
      const check = app.createRateLimit({ max: 3, timeWindow: 10_000, keyGenerator: () => 'client-1' });
      const request = { routeOptions: { config: {} }, ip: '127.0.0.1' } as unknown as Parameters<
        typeof check
      >[0];
      expect(await check(request, { increment: false })).toMatchObject({ remaining: 3, ttl: 0 });
      expect(await check(request)).toMatchObject({ remaining: 2 });
      const before = await check(request, { increment: false });
      const after = await check(request, { increment: false });
      expect(before).toMatchObject({ isAllowed: false, remaining: 2 });
      expect(after).toMatchObject({ isAllowed: false, remaining: 2 });
      expect(before.isAllowed === false && before.ttl).toBeGreaterThan(0);
    });

    it('leases hits for larger limits: exact headers in one process, never more than max across two', async () => {
      const keyPrefix = uniqueTestPrefix('rate-limit');
      const store = createRedisRateLimitStore({ connection, logger, keyPrefix });
      const first = await appWith(store, { max: 400 }); // lease size 4 (1% of the limit)
      const second = await appWith(createRedisRateLimitStore({ connection, logger, keyPrefix }), {
        max: 400,
      });
      apps.push(first, second);
      const remaining: string[] = [];
      for (let i = 0; i < 6; i += 1) {
        const res = await first.inject({ method: 'GET', url: '/ping' });
        remaining.push(String(res.headers['x-ratelimit-remaining']));
      }
      expect(remaining).toEqual(['399', '398', '397', '396', '395', '394']);
      expect(await connection.client.get(`${keyPrefix}client-1`)).toBe('8'); // two leases of 4
      let admitted = 6;
      let refused = 0;
      for (let i = 0; i < 500; i += 1) {
        const res = await (i % 3 === 0 ? second : first).inject({ method: 'GET', url: '/ping' });
        if (res.statusCode === 200) admitted += 1;
        else {
          expect(res.statusCode).toBe(429);
          expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
          refused += 1;
        }
      }
      expect(admitted).toBeLessThanOrEqual(400);
      expect(admitted).toBeGreaterThanOrEqual(400 - 3); // at most lease - 1 unused in the other process
      expect(refused).toBe(506 - admitted);
      expect(Number(await connection.client.get(`${keyPrefix}client-1`))).toBeLessThanOrEqual(402);
    });

    it('loads the plugin Lua with SCRIPT LOAD and runs it by its SHA-1', async () => {
      const keyPrefix = uniqueTestPrefix('rate-limit');
      const app = await appWith(createRedisRateLimitStore({ connection, logger, keyPrefix }));
      apps.push(app);
      expect((await app.inject({ method: 'GET', url: '/ping' })).statusCode).toBe(200);
      const { createHash } = await import('node:crypto');
      const sha = createHash('sha1').update(RATE_LIMIT_LUA).digest('hex');
      expect(await connection.client.scriptExists([sha])).toEqual([1]);
    });
  });
} else {
  describeRedisUnavailable('RedisRateLimitStore [redis]', redis);
}
