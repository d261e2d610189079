import { describe, expect, it } from 'vitest';
import { createRedisConnection, type RedisConnection } from '../../src/adapters/redis/redis-connection.js';
import { RedisJobEvents } from '../../src/adapters/redis/redis-job-events.js';
import type { JobUpdate } from '../../src/ports/job-events.js';
import { describeRedisUnavailable, MemoryLogger, testRedis, uniqueTestPrefix } from '../support/redis.js';
import { describeJobEventsContract, eventually, updateOf } from './job-events.contract.js';

const redis = await testRedis();

/** One API instance: its own command connection and its RedisJobEvents (with its subscriber). */
async function instance(url: string, channel: string, logger: MemoryLogger, name: string) {
  const connection: RedisConnection = createRedisConnection({ url, logger, name });
  await connection.connect();
  const events = new RedisJobEvents({ connection, logger, channel });
  await events.start();
  return {
    connection,
    events,
    close: async () => {
      await events.close();
      await connection.close();
    },
  };
}

if (redis.url !== null) {
  const url = redis.url;

  // Two instances on one Redis per test: `events` and `peer` (another API process).
  describeJobEventsContract('redis', async () => {
    const channel = `${uniqueTestPrefix('job-events')}updates`;
    const logger = new MemoryLogger();
    const a = await instance(url, channel, logger, 'instance-a');
    const b = await instance(url, channel, logger, 'instance-b');
    return {
      events: a.events,
      peer: b.events,
      close: async () => {
        await a.close();
        await b.close();
      },
    };
  });

  describe('RedisJobEvents (redis only)', () => {
    it('is subscribed after start, and reports it', async () => {
      const logger = new MemoryLogger();
      const a = await instance(url, `${uniqueTestPrefix('job-events')}updates`, logger, 'a');
      try {
        expect(a.events.isSubscribed()).toBe(true);
      } finally {
        await a.close();
      }
    });

    it('drops and logs malformed messages, and keeps delivering valid ones', async () => {
      const channel = `${uniqueTestPrefix('job-events')}updates`;
      const logger = new MemoryLogger();
      const a = await instance(url, channel, logger, 'a');
      try {
        const seen: JobUpdate[] = [];
        await a.events.subscribe('job-a', (u) => seen.push(u));
        const bad = [
          'not json',
          '[]',
          'null',
          JSON.stringify({ ...updateOf('job-a', 10), status: 'exploded' }),
          JSON.stringify({ ...updateOf('job-a', 10), progress: { stage: 'rendering', percent: 180 } }),
          JSON.stringify({ ...updateOf('job-a', 10), at: 'yesterday' }),
          JSON.stringify({ ...updateOf('job-a', 10), jobId: undefined }),
        ];
        for (const message of bad) await a.connection.client.publish(channel, message);
        await a.events.publish(updateOf('job-a', 20));
        await eventually(() => seen.length === 1, 'the valid update');
        expect(seen).toEqual([updateOf('job-a', 20)]);
        expect(logger.messages('warn').filter((m) => m === 'dropped a malformed job update')).toHaveLength(
          bad.length,
        );
      } finally {
        await a.close();
      }
    });

    it('ignores unknown fields of a newer publisher', async () => {
      const channel = `${uniqueTestPrefix('job-events')}updates`;
      const logger = new MemoryLogger();
      const a = await instance(url, channel, logger, 'a');
      try {
        const seen: JobUpdate[] = [];
        await a.events.subscribe('job-a', (u) => seen.push(u));
        await a.connection.client.publish(
          channel,
          JSON.stringify({ ...updateOf('job-a', 30), etaSeconds: 12 }),
        );
        await eventually(() => seen.length === 1, 'the update');
        expect(seen[0]).toEqual(updateOf('job-a', 30));
      } finally {
        await a.close();
      }
    });

    it('keeps per-job order for many interleaved updates across instances', async () => {
      const channel = `${uniqueTestPrefix('job-events')}updates`;
      const logger = new MemoryLogger();
      const a = await instance(url, channel, logger, 'a');
      const b = await instance(url, channel, logger, 'b');
      try {
        const seen = new Map<string, number[]>();
        for (const job of ['j1', 'j2', 'j3']) {
          seen.set(job, []);
          await b.events.subscribe(job, (u) => seen.get(job)!.push(u.progress.percent));
        }
        const published: Promise<void>[] = [];
        for (let p = 0; p <= 100; p += 1) {
          for (const job of ['j1', 'j2', 'j3']) published.push(a.events.publish(updateOf(job, p)));
        }
        await Promise.all(published);
        await eventually(() => [...seen.values()].every((s) => s.length === 101), 'all updates');
        for (const s of seen.values()) expect(s).toEqual(Array.from({ length: 101 }, (_, i) => i));
      } finally {
        await a.close();
        await b.close();
      }
    });
  });
} else {
  describeRedisUnavailable('JobEvents contract [redis]', redis);
}
