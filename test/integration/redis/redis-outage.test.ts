import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisCache } from '../../../src/adapters/redis/redis-cache.js';
import {
  createRedisConnection,
  type RedisConnection,
  type RedisConnectionOptions,
} from '../../../src/adapters/redis/redis-connection.js';
import { RedisJobEvents } from '../../../src/adapters/redis/redis-job-events.js';
import { createRedisRateLimitStore } from '../../../src/adapters/redis/redis-rate-limit-store.js';
import type { JobUpdate } from '../../../src/ports/job-events.js';
import { eventually, updateOf } from '../../contract/job-events.contract.js';
import {
  describeRedisUnavailable,
  MemoryLogger,
  startPrivateRedis,
  type PrivateRedis,
} from '../../support/redis.js';

/**
 * Fault injection against a PRIVATE redis-server (spawned here on a free port, killed by PID):
 * the shared Redis on 6379 is never stopped. Measured latencies are printed for the report.
 */

let server: PrivateRedis | null = null;
let unavailable: string | null = null;
try {
  server = await startPrivateRedis();
} catch (error) {
  unavailable = error instanceof Error ? error.message : String(error);
}
afterAll(async () => {
  await server?.stop();
});

/** Everything the API process builds on Redis, as the composition root would. */
interface Stack {
  readonly logger: MemoryLogger;
  readonly connection: RedisConnection;
  readonly events: RedisJobEvents;
  readonly cache: RedisCache;
  readonly app: FastifyInstance;
  close(): Promise<void>;
}

const fast: Partial<RedisConnectionOptions> = {
  connectTimeoutMs: 300,
  commandTimeoutMs: 250,
  reconnectInitialDelayMs: 20,
  reconnectMaxDelayMs: 100,
  pingIntervalMs: 500,
};

async function stack(url: string, name: string, options: { expectDown?: boolean } = {}): Promise<Stack> {
  const logger = new MemoryLogger();
  const connection = createRedisConnection({ url, logger, name, ...fast });
  if (options.expectDown === true) await expect(connection.connect()).rejects.toThrow(/did not answer/);
  else await connection.connect();
  const events = new RedisJobEvents({ connection, logger, channel: 'outage-test:job-updates' });
  await events.start();
  const cache = new RedisCache({ connection, logger, keyPrefix: 'outage-test:cache:' });
  const app = Fastify();
  await app.register(rateLimit, {
    store: createRedisRateLimitStore({ connection, logger, keyPrefix: 'outage-test:rl:' }),
    max: 100,
    timeWindow: 60_000,
    skipOnError: true,
    keyGenerator: () => 'client-1',
  });
  app.get('/ping', () => ({ ok: true }));
  await app.ready();
  return {
    logger,
    connection,
    events,
    cache,
    app,
    close: async () => {
      await app.close();
      await events.close();
      await connection.close();
    },
  };
}

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await run();
  return { value, ms: Math.round((performance.now() - started) * 10) / 10 };
}

const stacks: Stack[] = [];
afterEach(async () => {
  if (server !== null && server.pid === null) await server.start();
  for (const s of stacks.splice(0)) await s.close();
});

describe.skipIf(server === null)('Redis adapters against a stopped Redis (private redis-server)', () => {
  let url: string;
  beforeAll(() => {
    url = server!.url;
  });

  it('answers fast while Redis is down, and resumes delivery, cache and limits after a restart', async () => {
    const a = await stack(url, 'api-a');
    const b = await stack(url, 'api-b');
    stacks.push(a, b);
    const seen: JobUpdate[] = [];
    await b.events.subscribe('job-1', (u) => seen.push(u));
    await a.events.publish(updateOf('job-1', 10));
    await eventually(() => seen.length === 1, 'the update before the outage');
    await a.cache.set('k', 'v', 60_000);
    expect(await a.cache.get('k')).toBe('v');
    expect((await a.app.inject({ method: 'GET', url: '/ping' })).headers['x-ratelimit-remaining']).toBe('99');

    await server!.stop();
    // Right after the kill, before the clients noticed, and once they know.
    const early = await timed(() => a.events.publish(updateOf('job-1', 20)));
    await eventually(
      () => !a.connection.isReady() && !b.connection.isReady(),
      'clients to notice the outage',
    );
    const measured = {
      publishJustAfterKill: early.ms,
      publish: (await timed(() => a.events.publish(updateOf('job-1', 30)))).ms,
      cacheGet: 0,
      cacheSet: 0,
      cacheDelete: 0,
      rateLimitedRequest: 0,
      healthCheck: 0,
    };
    const got = await timed(() => a.cache.get('k'));
    expect(got.value).toBeNull();
    measured.cacheGet = got.ms;
    measured.cacheSet = (await timed(() => a.cache.set('k', 'w', 60_000))).ms;
    measured.cacheDelete = (await timed(() => a.cache.delete('k'))).ms;
    const request = await timed(() => a.app.inject({ method: 'GET', url: '/ping' }));
    expect(request.value.statusCode).toBe(200);
    measured.rateLimitedRequest = request.ms;
    const health = await timed(() => a.connection.healthCheck());
    expect(health.value.status).toBe('down');
    measured.healthCheck = health.ms;
    await expect(a.connection.ping()).rejects.toThrow(/PING failed/);
    console.info('[redis down] latencies in ms', measured);
    for (const ms of Object.values(measured)) expect(ms).toBeLessThan(1_000);

    await server!.start();
    await eventually(
      () => a.connection.isReady() && b.events.isSubscribed() && a.events.isSubscribed(),
      'reconnect and re-subscribe',
    );
    await a.events.publish(updateOf('job-1', 40));
    await eventually(() => seen.length === 2, 'delivery after the restart');
    expect(seen.map((u) => u.progress.percent)).toEqual([10, 40]); // 20 and 30 were lost: best effort
    await a.cache.set('k', 'after', 60_000);
    expect(await a.cache.get('k')).toBe('after');
    // A restarted Redis has no scripts and no counters: NOSCRIPT -> SCRIPT LOAD -> counted again from 1.
    expect((await a.app.inject({ method: 'GET', url: '/ping' })).headers['x-ratelimit-remaining']).toBe('99');
    expect((await b.app.inject({ method: 'GET', url: '/ping' })).headers['x-ratelimit-remaining']).toBe('98');
    expect((await a.connection.healthCheck()).status).toBe('up');

    for (const s of [a, b]) {
      expect(s.logger.messages('warn').filter((m) => m === 'redis unavailable')).toHaveLength(2); // command + subscriber connection
      expect(s.logger.messages('info').filter((m) => m === 'redis available again')).toHaveLength(2);
    }
    expect(a.logger.messages('warn').filter((m) => m === 'redis publish unavailable')).toHaveLength(1);
    expect(a.logger.messages('info')).toContain('redis publish available again');
  });

  it('starts degraded when Redis is down at start, and catches up by itself when it comes up', async () => {
    await server!.stop();
    const start = await timed(() => stack(url, 'api-late', { expectDown: true }));
    console.info('[redis down at start] connect + events.start + app ready in ms', start.ms);
    expect(start.ms).toBeLessThan(1_500); // connect timeout 300 ms, subscriber connect 300 ms
    const s = start.value;
    stacks.push(s);
    expect(s.connection.isReady()).toBe(false);
    expect(s.events.isSubscribed()).toBe(false);
    const seen: JobUpdate[] = [];
    await s.events.subscribe('job-2', (u) => seen.push(u)); // local: works during the outage
    await expect(s.events.publish(updateOf('job-2', 5))).resolves.toBeUndefined();
    expect((await s.app.inject({ method: 'GET', url: '/ping' })).statusCode).toBe(200);

    await server!.start();
    await eventually(
      () => s.connection.isReady() && s.events.isSubscribed(),
      'connect and subscribe after start',
    );
    await expect(s.connection.connect()).resolves.toBeUndefined(); // a later connect() sees it ready
    await s.events.publish(updateOf('job-2', 50));
    await eventually(() => seen.length === 1, 'delivery once Redis is up');
    expect(seen[0]).toEqual(updateOf('job-2', 50));
  });

  it('bounds every call by the command timeout while Redis is frozen (SIGSTOP)', async () => {
    const s = await stack(url, 'api-frozen');
    stacks.push(s);
    const pid = server!.pid!;
    process.kill(pid, 'SIGSTOP');
    try {
      const measured = {
        publish: (await timed(() => s.events.publish(updateOf('job-3', 1)))).ms,
        cacheGet: (await timed(() => s.cache.get('k'))).ms,
        rateLimitedRequest: 0,
        healthCheck: 0,
      };
      const request = await timed(() => s.app.inject({ method: 'GET', url: '/ping' }));
      expect(request.value.statusCode).toBe(200);
      measured.rateLimitedRequest = request.ms;
      const health = await timed(() => s.connection.healthCheck());
      expect(health.value.status).toBe('down');
      measured.healthCheck = health.ms;
      console.info('[redis frozen] latencies in ms', measured);
      for (const ms of Object.values(measured)) expect(ms).toBeLessThan(1_000);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await eventually(() => s.connection.isReady(), 'the connection after SIGCONT');
    // The subscriber's own connection may have been dropped by its socket timeout during the
    // freeze and still be re-subscribing; pub/sub is best effort, so publish until it arrives.
    await eventually(() => s.events.isSubscribed(), 'the subscriber after SIGCONT', 10_000);
    const seen: JobUpdate[] = [];
    await s.events.subscribe('job-3', (u) => seen.push(u));
    const deadline = Date.now() + 10_000;
    const arrived = (): boolean => seen.some((u) => u.progress.percent === 60);
    while (!arrived() && Date.now() < deadline) {
      await s.events.publish(updateOf('job-3', 60));
      await new Promise((r) => setTimeout(r, 200));
    }
    // (An update published during the freeze may still arrive first: it was already on the socket.)
    expect(seen, 'delivery after the freeze').toContainEqual(updateOf('job-3', 60));
    await s.cache.set('k', 'v', 60_000);
    expect(await s.cache.get('k')).toBe('v');
  });
});

if (server === null) {
  describeRedisUnavailable('Redis adapters against a stopped Redis', {
    url: null,
    unavailable: `redis-server could not start: ${unavailable}`,
    required: process.env['REQUIRE_SERVICES'] === '1',
  });
}
