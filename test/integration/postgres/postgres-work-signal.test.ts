import { randomBytes } from 'node:crypto';
import net from 'node:net';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  createPostgresDatabase,
  type PostgresDatabaseHandle,
} from '../../../src/adapters/postgres/postgres-database.js';
import { PostgresWorkSignal } from '../../../src/adapters/postgres/postgres-work-signal.js';
import type { Logger } from '../../../src/ports/logger.js';
import { describeUnavailable } from '../../support/databases.js';
import { testPostgresUrl } from './test-postgres-url.js';

interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly obj: Record<string, unknown>;
  readonly msg: string;
}

function recordingLogger(): { readonly logger: Logger; readonly lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger: Logger = {
    debug: (obj, msg = '') => lines.push({ level: 'debug', obj, msg }),
    info: (obj, msg = '') => lines.push({ level: 'info', obj, msg }),
    warn: (obj, msg = '') => lines.push({ level: 'warn', obj, msg }),
    error: (obj, msg = '') => lines.push({ level: 'error', obj, msg }),
    child: () => logger,
  };
  return { logger, lines };
}

async function eventually(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) expect.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const unique = (prefix: string): string => `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;

/**
 * A TCP relay to the real server that can be taken down (connections cut, new ones refused) and
 * brought back on the same port: a database outage without stopping the shared server.
 */
async function startRelay(target: { host: string; port: number }) {
  const sockets = new Set<net.Socket>();
  const pairs = new Set<readonly [net.Socket, net.Socket]>();
  const server = net.createServer((inbound) => {
    const outbound = net.connect(target.port, target.host);
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    inbound.pipe(outbound).pipe(inbound);
    const pair = [inbound, outbound] as const;
    pairs.add(pair);
    inbound.on('close', () => pairs.delete(pair));
    inbound.on('close', () => outbound.destroy());
    outbound.on('close', () => inbound.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    async down(): Promise<void> {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
    /** Stops relaying on the open connections without closing them (a half-open peer); new ones work. */
    freeze(): void {
      for (const [inbound, outbound] of pairs) {
        inbound.unpipe(outbound);
        outbound.unpipe(inbound);
        inbound.pause();
        outbound.pause();
      }
      pairs.clear();
    },
    up(): Promise<void> {
      return new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    },
  };
}

const postgres = await testPostgresUrl();
if (postgres.url !== null) {
  const url = postgres.url;
  const parsed = new URL(url);
  const withPort = (port: number): string => {
    const u = new URL(url);
    u.hostname = '127.0.0.1';
    u.port = String(port);
    u.password = 'secret'; // ignored by a trust server; must never be logged
    return u.toString();
  };

  const handle: PostgresDatabaseHandle = await createPostgresDatabase({
    connectionString: url,
    poolMax: 3,
    connectionTimeoutMs: 3_000,
    statementTimeoutMs: 5_000,
  });
  afterAll(() => handle.close());

  /** Backends whose `application_name` is `name`, from another connection. */
  const backends = async (name: string): Promise<number[]> => {
    const { rows } = await handle.pool.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE application_name = $1',
      [name],
    );
    return rows.map((r) => r.pid);
  };

  describe('PostgresWorkSignal [postgres]', () => {
    const open: PostgresWorkSignal[] = [];
    const make = (options: Partial<ConstructorParameters<typeof PostgresWorkSignal>[0]> = {}) => {
      const signal = new PostgresWorkSignal({
        pool: handle.pool,
        connectionString: url,
        channel: unique('fc_it'),
        ...options,
      });
      open.push(signal);
      return signal;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((s) => s.close()));
    });

    it('shares one listening connection among all listeners, opened on the first subscribe', async () => {
      const applicationName = unique('fc_shared');
      const signal = make({ applicationName });
      expect(signal.state).toBe('idle');
      expect(await backends(applicationName)).toEqual([]);
      const unsubscribes = await Promise.all([1, 2, 3].map(() => signal.subscribe(() => undefined)));
      expect(signal.state).toBe('listening');
      expect(await backends(applicationName)).toHaveLength(1);
      for (const unsubscribe of unsubscribes) await unsubscribe();
      expect(signal.listenerCount).toBe(0);
    });

    it('reconnects after pg_terminate_backend, logs the outage once, wakes listeners and delivers again', async () => {
      const applicationName = unique('fc_terminated');
      const { logger, lines } = recordingLogger();
      const signal = make({ applicationName, logger });
      let calls = 0;
      await signal.subscribe(() => {
        calls += 1;
      });
      const [before] = await backends(applicationName);
      expect(before).toBeTypeOf('number');

      const killedAt = performance.now();
      await handle.pool.query('SELECT pg_terminate_backend($1)', [before]);
      // After reconnecting, the signal wakes its listeners once (signals during the outage were lost).
      await eventually(() => calls === 1 && signal.state === 'listening', 'the reconnect', 5_000);
      const reconnectMs = performance.now() - killedAt;
      const after = await backends(applicationName);
      expect(after).toHaveLength(1);
      expect(after[0]).not.toBe(before);

      await signal.notify();
      await eventually(() => calls === 2, 'a signal after the reconnect', 3_000);
      expect(lines.filter((l) => l.level === 'warn').map((l) => l.msg)).toEqual([
        'work signal: LISTEN connection lost; reconnecting',
      ]);
      expect(lines.filter((l) => l.level === 'info').map((l) => l.msg)).toEqual([
        'work signal: LISTEN connection restored',
      ]);
      console.info(`[work signal] reconnected ${reconnectMs.toFixed(1)} ms after pg_terminate_backend`);
      expect(reconnectMs).toBeLessThan(3_000);
    });

    it('backs off when the connection keeps dropping right after it opens', async () => {
      const applicationName = unique('fc_flapping');
      const { logger, lines } = recordingLogger();
      const signal = make({ applicationName, logger, reconnectBaseDelayMs: 20, reconnectMaxDelayMs: 100 });
      let calls = 0;
      await signal.subscribe(() => {
        calls += 1;
      });
      const until = performance.now() + 1_000;
      while (performance.now() < until) {
        await handle.pool.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
          [applicationName],
        );
        await sleep(2);
      }
      const drops = lines.filter((l) => l.msg === 'work signal: LISTEN connection lost; reconnecting').length;
      expect(drops).toBeGreaterThanOrEqual(5);
      expect(drops).toBeLessThan(40); // about 1 s / 100 ms once backed off; hundreds without backoff
      await eventually(() => signal.state === 'listening', 'the connection after the storm');
      const before = calls;
      await signal.notify();
      await eventually(() => calls > before, 'a signal after the storm');
    });

    it('keeps retrying with capped backoff through an outage, logging it once, then delivers again', async () => {
      const relay = await startRelay({ host: parsed.hostname, port: Number(parsed.port || 5432) });
      const { logger, lines } = recordingLogger();
      const signal = make({
        connectionString: withPort(relay.port),
        logger,
        reconnectBaseDelayMs: 20,
        reconnectMaxDelayMs: 100,
        connectionTimeoutMs: 1_000,
      });
      let calls = 0;
      await signal.subscribe(() => {
        calls += 1;
      });
      expect(signal.state).toBe('listening');

      await relay.down();
      await eventually(() => signal.state === 'reconnecting', 'the loss to be noticed');
      await sleep(800); // several failed attempts: 20, 40, 80, 100, 100, ... ms apart
      const failedAttempts = lines.filter((l) => l.msg === 'work signal: reconnect attempt failed').length;
      expect(failedAttempts).toBeGreaterThanOrEqual(4);
      expect(failedAttempts).toBeLessThanOrEqual(20); // capped at 100 ms, not a busy loop
      expect(lines.filter((l) => l.level === 'warn').map((l) => l.msg)).toEqual([
        'work signal: LISTEN connection lost; reconnecting',
      ]);

      await relay.up();
      await eventually(() => signal.state === 'listening' && calls === 1, 'the reconnect', 3_000);
      await signal.notify();
      await eventually(() => calls === 2, 'a signal after the outage');
      const restored = lines.filter((l) => l.level === 'info');
      expect(restored).toHaveLength(1);
      expect(restored[0]?.obj['outageMs']).toBeGreaterThanOrEqual(800);
      // Target names host, port and database, never a password.
      expect(lines.every((l) => !JSON.stringify(l.obj).includes('secret'))).toBe(true);
      await signal.close();
      await relay.down();
    });

    it('treats an unanswered heartbeat as a lost connection and reconnects', async () => {
      const relay = await startRelay({ host: parsed.hostname, port: Number(parsed.port || 5432) });
      const { logger, lines } = recordingLogger();
      const signal = make({ connectionString: withPort(relay.port), logger, heartbeatMs: 100 });
      let calls = 0;
      await signal.subscribe(() => {
        calls += 1;
      });
      await sleep(250); // a couple of answered heartbeats: nothing happens
      expect(lines).toEqual([]);
      relay.freeze();
      const frozenAt = performance.now();
      await eventually(() => signal.state === 'listening' && calls === 1, 'the reconnect', 3_000);
      expect(performance.now() - frozenAt).toBeLessThan(1_000);
      expect(lines.find((l) => l.level === 'warn')?.obj['err']).toMatch(/heartbeat/);
      await signal.notify();
      await eventually(() => calls === 2, 'a signal after the reconnect');
      await signal.close();
      await relay.down();
    });

    it('subscribes while the database is down, then listens once it answers', async () => {
      const relay = await startRelay({ host: parsed.hostname, port: Number(parsed.port || 5432) });
      await relay.down();
      const { logger, lines } = recordingLogger();
      const signal = make({
        connectionString: withPort(relay.port),
        logger,
        reconnectBaseDelayMs: 20,
        reconnectMaxDelayMs: 50,
      });
      let calls = 0;
      const started = performance.now();
      await signal.subscribe(() => {
        calls += 1;
      });
      expect(performance.now() - started).toBeLessThan(1_000); // no waiting for the outage to end
      expect(signal.state).not.toBe('listening');
      expect(lines.filter((l) => l.level === 'warn').map((l) => l.msg)).toEqual([
        'work signal: cannot open the LISTEN connection; retrying with backoff',
      ]);
      await relay.up();
      await eventually(() => signal.state === 'listening', 'the first connection');
      expect(calls).toBe(0); // nothing was missed: no catch-up wake-up before the first connection
      await signal.notify();
      await eventually(() => calls === 1, 'the signal');
      await signal.close();
      await relay.down();
    });

    it('logs a rejecting listener instead of throwing into the client', async () => {
      const { logger, lines } = recordingLogger();
      const signal = make({ logger });
      await signal.subscribe((() => Promise.reject(new Error('async listener bug'))) as () => void);
      await signal.subscribe(() => {
        throw new Error('listener bug');
      });
      let calls = 0;
      await signal.subscribe(() => {
        calls += 1;
      });
      await signal.notify();
      await eventually(() => calls === 1, 'the healthy listener');
      await eventually(
        () => lines.filter((l) => l.msg === 'work signal listener failed').length === 2,
        'both failures logged',
      );
      expect(signal.state).toBe('listening');
    });

    it('close() ends the listening connection, is idempotent, and refuses later subscribes', async () => {
      const applicationName = unique('fc_closed');
      const signal = make({ applicationName });
      await signal.subscribe(() => undefined);
      expect(await backends(applicationName)).toHaveLength(1);
      await Promise.all([signal.close(), signal.close()]);
      expect(signal.state).toBe('closed');
      await eventually(async () => (await backends(applicationName)).length === 0, 'the backend to exit');
      await expect(signal.subscribe(() => undefined)).rejects.toThrow(/closed/);
    });

    it('close() returns promptly while reconnecting to a server that does not answer', async () => {
      const signal = make({
        connectionString: 'postgres://u:secret@127.0.0.1:1/none',
        reconnectBaseDelayMs: 10_000,
      });
      await signal.subscribe(() => undefined);
      const started = performance.now();
      await signal.close();
      expect(performance.now() - started).toBeLessThan(500);
    });

    it('refuses a channel that is not a lowercase identifier', () => {
      expect(
        () => new PostgresWorkSignal({ pool: handle.pool, connectionString: url, channel: 'jobs"; DROP' }),
      ).toThrow(/channel/);
    });

    it('measures notify-to-listener latency across two instances', async () => {
      const channel = unique('fc_latency');
      const other = await createPostgresDatabase({
        connectionString: url,
        poolMax: 1,
        connectionTimeoutMs: 3_000,
        statementTimeoutMs: 5_000,
      });
      try {
        const listening = make({ channel });
        const sending = make({ channel, pool: other.pool });
        let resolveWake: () => void = () => undefined;
        await listening.subscribe(() => resolveWake());
        const samples: number[] = [];
        for (let i = 0; i < 200; i += 1) {
          const woken = new Promise<void>((resolve) => {
            resolveWake = resolve;
          });
          const sent = performance.now();
          await sending.notify();
          await woken;
          samples.push(performance.now() - sent);
        }
        samples.sort((a, b) => a - b);
        const at = (q: number): number =>
          samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
        console.info(
          `[work signal] notify -> listener over ${samples.length}: p50 ${at(0.5).toFixed(2)} ms, p99 ${at(0.99).toFixed(2)} ms, max ${at(1).toFixed(2)} ms`,
        );
        expect(at(0.5)).toBeLessThan(10);
      } finally {
        await other.close();
      }
    });
  });

  describe('pg.Pool as the notifier', () => {
    it('is accepted as NotifyQueryable (type check) and a direct NOTIFY from SQL wakes listeners', async () => {
      const channel = unique('fc_sql');
      const signal = new PostgresWorkSignal({ pool: handle.pool, connectionString: url, channel });
      try {
        let calls = 0;
        await signal.subscribe(() => {
          calls += 1;
        });
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        await client.query(`NOTIFY ${channel}`);
        await client.end();
        await eventually(() => calls === 1, 'the wake-up from plain SQL');
      } finally {
        await signal.close();
      }
    });
  });
} else {
  describeUnavailable('PostgresWorkSignal [postgres]', postgres.unavailable);
}
