import { afterEach, describe, expect, it } from 'vitest';
import {
  createRedisConnection,
  RedisUnavailableError,
  type RedisConnection,
} from '../../../src/adapters/redis/redis-connection.js';
import { describeRedisUnavailable, MemoryLogger, testRedis, uniqueTestPrefix } from '../../support/redis.js';

const open: RedisConnection[] = [];
afterEach(async () => {
  for (const connection of open.splice(0)) await connection.close();
});

describe('createRedisConnection with Redis down (no server needed)', () => {
  it('rejects connect() after connectTimeoutMs, keeps retrying, and logs the outage once', async () => {
    const logger = new MemoryLogger();
    const connection = createRedisConnection({
      url: 'redis://127.0.0.1:1',
      logger,
      connectTimeoutMs: 300,
      reconnectInitialDelayMs: 10,
      reconnectMaxDelayMs: 20,
    });
    open.push(connection);
    let errors = 0;
    connection.client.on('error', () => (errors += 1));
    const started = performance.now();
    await expect(connection.connect()).rejects.toBeInstanceOf(RedisUnavailableError);
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(290);
    expect(waited).toBeLessThan(800);
    expect(errors).toBeGreaterThan(3); // it retried ...
    expect(logger.messages('warn')).toEqual(['redis unavailable']); // ... and said so once
    expect(connection.isReady()).toBe(false);
    await expect(connection.ping()).rejects.toBeInstanceOf(RedisUnavailableError);
    await expect(connection.command((client) => client.get('k'))).rejects.toThrow(/offline/);
    const health = await connection.healthCheck();
    expect(health).toMatchObject({ status: 'down', detail: { name: 'framecast' } });
  });

  it('closes a connection that is still retrying at once, and stops retrying', async () => {
    const logger = new MemoryLogger();
    const connection = createRedisConnection({ url: 'redis://127.0.0.1:1', logger, connectTimeoutMs: 100 });
    await expect(connection.connect()).rejects.toThrow();
    const started = performance.now();
    await connection.close();
    await connection.close();
    expect(performance.now() - started).toBeLessThan(100);
    expect(connection.client.isOpen).toBe(false);
    await expect(connection.connect()).rejects.toThrow(/closed/);
  });
});

const redis = await testRedis();

if (redis.url !== null) {
  const url = redis.url;

  describe('createRedisConnection [redis]', () => {
    it('connects, pings, and passes the write health check with a short-lived key', async () => {
      const connection = createRedisConnection({ url, logger: new MemoryLogger(), name: 'health-test' });
      open.push(connection);
      await connection.connect();
      await connection.connect();
      expect(connection.isReady()).toBe(true);
      expect(await connection.ping()).toBeLessThan(250);
      const health = await connection.healthCheck();
      expect(health).toMatchObject({ status: 'up', detail: { name: 'health-test' } });
      const [key] = await connection.client.keys('framecast:health:health-test:*');
      expect(key).toBeDefined();
      const pttl = await connection.client.pTTL(key!);
      expect(pttl).toBeGreaterThan(0);
      expect(pttl).toBeLessThanOrEqual(5_000);
    });

    it('turns a Redis error reply into a RedisUnavailableError with the reply as cause', async () => {
      const connection = createRedisConnection({ url, logger: new MemoryLogger() });
      open.push(connection);
      await connection.connect();
      const key = `${uniqueTestPrefix('connection')}list`;
      await connection.command((client) => client.lPush(key, 'x'));
      const failed = await connection.command((client) => client.get(key)).catch((error: unknown) => error);
      expect(failed).toBeInstanceOf(RedisUnavailableError);
      expect(String((failed as Error).cause)).toMatch(/WRONGTYPE/);
      await connection.command((client) => client.del(key));
    });

    it('a duplicate is another, unconnected connection to the same server', async () => {
      const connection = createRedisConnection({ url, logger: new MemoryLogger(), name: 'main' });
      const copy = connection.duplicate('copy');
      open.push(connection, copy);
      expect(copy.name).toBe('copy');
      expect(copy.isReady()).toBe(false);
      await copy.connect();
      expect(await copy.command((client) => client.clientGetName())).toBe('copy');
    });
  });
} else {
  describeRedisUnavailable('createRedisConnection [redis]', redis);
}
