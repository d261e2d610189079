import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, connect } from 'node:net';
import { describe, it } from 'vitest';
import type { Logger } from '../../src/ports/logger.js';

const DEFAULT_URL = 'redis://127.0.0.1:6379';

/** Where a test file gets Redis from. */
export interface TestRedis {
  /** The server's URL, or `null` when unavailable. */
  readonly url: string | null;
  /** Why Redis cannot be used here, or `null` when it can. */
  readonly unavailable: string | null;
  /** When unavailable: whether that fails the run (REQUIRE_SERVICES=1, or an explicit REDIS_URL that does not answer). */
  readonly required: boolean;
}

/**
 * Redis for contract and integration tests: `REDIS_URL` when set (it must answer), else
 * `redis://127.0.0.1:6379` when it answers within `timeoutMs`; else unavailable (and a failure
 * with REQUIRE_SERVICES=1). Only probes; tests isolate themselves with {@link uniqueTestPrefix}.
 */
export async function testRedis(timeoutMs = 500): Promise<TestRedis> {
  const required = process.env['REQUIRE_SERVICES'] === '1';
  const explicit = process.env['REDIS_URL'] || undefined;
  const url = explicit ?? DEFAULT_URL;
  const problem = await probeRedis(url, timeoutMs);
  if (problem === null) return { url, unavailable: null, required };
  return {
    url: null,
    unavailable: explicit
      ? `Redis at ${redact(url)} does not answer: ${problem}`
      : `no REDIS_URL, and ${DEFAULT_URL} does not answer: ${problem}`,
    required: required || explicit !== undefined,
  };
}

/**
 * Sends `PING` over a raw socket. @returns `null` when Redis answered `+PONG` (or asked for a
 * password: the server is there) within `timeoutMs`, else why not.
 */
export function probeRedis(url: string, timeoutMs = 500): Promise<string | null> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({
      host: hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
      port: Number(port || 6379),
    });
    let answer = '';
    const finish = (problem: string | null): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(problem);
    };
    const timer = setTimeout(() => finish(`no answer within ${timeoutMs} ms`), timeoutMs);
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      answer += chunk.toString('utf8');
      if (answer.includes('\r\n')) {
        finish(
          answer.startsWith('+PONG') || answer.startsWith('-NOAUTH')
            ? null
            : `unexpected answer ${answer.trim()}`,
        );
      }
    });
    socket.on('error', (error) => finish(error.message));
  });
}

const redact = (url: string): string => url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');

/**
 * A key prefix / channel name unique to this test file and process (`fc-test:<label>:<pid>:<random>:`):
 * keys isolate test files sharing one Redis; pub/sub channels are server-wide (not per database), so
 * they need it too.
 */
export function uniqueTestPrefix(label: string): string {
  return `fc-test:${label}:${process.pid}:${randomBytes(4).toString('hex')}:`;
}

/**
 * Registers the visible outcome of Redis suites that cannot run: a skipped test naming the reason,
 * or — when required (REQUIRE_SERVICES=1 or an explicit REDIS_URL) — a failing test saying so.
 */
export function describeRedisUnavailable(title: string, redis: TestRedis): void {
  const reason = redis.unavailable ?? 'unknown reason';
  describe(title, () => {
    if (redis.required) {
      it('needs redis', () => {
        throw new Error(
          `Redis is required (REQUIRE_SERVICES=1 or an explicit REDIS_URL) but unavailable: ${reason}`,
        );
      });
    } else {
      console.warn(
        `[${title}] skipped: ${reason}. Set REDIS_URL=redis://... (and install redis-server for the outage tests) to run them.`,
      );
      it.skip(`skipped: ${reason}`, () => undefined);
    }
  });
}

/** One logged line. */
export interface LoggedLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly msg: string | undefined;
  readonly obj: Record<string, unknown>;
}

/** A `Logger` that keeps every line (children share the list). */
export class MemoryLogger implements Logger {
  constructor(
    readonly lines: LoggedLine[] = [],
    private readonly bindings: Record<string, unknown> = {},
  ) {}
  debug(obj: Record<string, unknown>, msg?: string): void {
    this.lines.push({ level: 'debug', msg, obj: { ...this.bindings, ...obj } });
  }
  info(obj: Record<string, unknown>, msg?: string): void {
    this.lines.push({ level: 'info', msg, obj: { ...this.bindings, ...obj } });
  }
  warn(obj: Record<string, unknown>, msg?: string): void {
    this.lines.push({ level: 'warn', msg, obj: { ...this.bindings, ...obj } });
  }
  error(obj: Record<string, unknown>, msg?: string): void {
    this.lines.push({ level: 'error', msg, obj: { ...this.bindings, ...obj } });
  }
  child(bindings: Record<string, unknown>): Logger {
    return new MemoryLogger(this.lines, { ...this.bindings, ...bindings });
  }
  /** The messages logged at `level`. */
  messages(level: LoggedLine['level']): (string | undefined)[] {
    return this.lines.filter((l) => l.level === level).map((l) => l.msg);
  }
}

/** A free TCP port on 127.0.0.1 (free when asked; a race with other processes is possible but rare). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** A private `redis-server` a test may stop and start again (on the same port). */
export interface PrivateRedis {
  readonly port: number;
  readonly url: string;
  /** The running server's PID, or `null` while stopped. */
  readonly pid: number | null;
  /** Starts it (again) on the same port; resolves once it answers PING. */
  start(): Promise<void>;
  /** Kills it by PID (SIGKILL: an abrupt outage) and waits for the exit. No-op while stopped. */
  stop(): Promise<void>;
}

/**
 * Spawns `redis-server --port <free port> --save "" --appendonly no --daemonize no` (no
 * persistence: a restart comes back empty, as after a crash without AOF). Stop it with `stop()`
 * in `afterAll`; it is also killed when the test process exits.
 * @throws when `redis-server` is not installed or does not answer within 5 s.
 */
export async function startPrivateRedis(
  binary = process.env['REDIS_SERVER_BIN'] ?? 'redis-server',
): Promise<PrivateRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  const killOnExit = (): void => {
    child?.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  const start = async (): Promise<void> => {
    if (child !== null) return;
    const spawned = spawn(
      binary,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    child = spawned;
    let failure: string | null = null;
    spawned.once('error', (error) => (failure = error.message));
    spawned.once('exit', () => {
      if (child === spawned) child = null;
    });
    const deadline = Date.now() + 5_000;
    for (;;) {
      if (failure !== null) throw new Error(`could not start ${binary}: ${failure}`);
      if ((await probeRedis(url, 200)) === null) return;
      if (Date.now() > deadline) {
        spawned.kill('SIGKILL');
        throw new Error(`${binary} on port ${port} did not answer within 5 s`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  const stop = async (): Promise<void> => {
    const running = child;
    if (running === null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
    child = null;
  };

  await start();
  return {
    port,
    url,
    get pid() {
      return child?.pid ?? null;
    },
    start,
    stop,
  };
}
