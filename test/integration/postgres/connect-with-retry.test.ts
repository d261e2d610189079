import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { connectWithRetry, describePostgres } from '../../../src/adapters/postgres/connect-with-retry.js';
import {
  createPostgresDatabase,
  type PostgresDatabaseHandle,
} from '../../../src/adapters/postgres/postgres-database.js';
import type { Logger } from '../../../src/ports/logger.js';

function recordingLogger() {
  const lines: { level: string; obj: Record<string, unknown>; msg: string }[] = [];
  const logger: Logger = {
    debug: (obj, msg = '') => lines.push({ level: 'debug', obj, msg }),
    info: (obj, msg = '') => lines.push({ level: 'info', obj, msg }),
    warn: (obj, msg = '') => lines.push({ level: 'warn', obj, msg }),
    error: (obj, msg = '') => lines.push({ level: 'error', obj, msg }),
    child: () => logger,
  };
  return { logger, lines };
}

/** An opener that fails `failures` times (recording when it was called), then resolves `value`. */
function flakyOpener<T>(failures: number, value: T) {
  const calls: number[] = [];
  const open = async (): Promise<T> => {
    calls.push(performance.now());
    if (calls.length <= failures) throw new Error(`refused #${calls.length}`);
    return value;
  };
  return { open, calls };
}

/** What `promise` rejected with; fails the test when it resolves. */
async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  return expect.fail('expected a rejection');
}

/** The production opener: a pool, proved by one query (the pool itself connects lazily). */
async function openPostgres(connectionString: string): Promise<PostgresDatabaseHandle> {
  const handle = await createPostgresDatabase({
    connectionString,
    poolMax: 2,
    connectionTimeoutMs: 500,
    statementTimeoutMs: 1_000,
  });
  try {
    await sql`SELECT 1`.execute(handle.db);
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}

describe('connectWithRetry', () => {
  it('returns at once when the first attempt succeeds, logging nothing', async () => {
    const { logger, lines } = recordingLogger();
    const { open, calls } = flakyOpener(0, 'db');
    await expect(connectWithRetry(open, { describe: 'db', attempts: 3, logger })).resolves.toBe('db');
    expect(calls).toHaveLength(1);
    expect(lines).toEqual([]);
  });

  it('retries with exponential backoff until the opener succeeds, then logs that it answered', async () => {
    const { logger, lines } = recordingLogger();
    const { open, calls } = flakyOpener(3, 'db');
    const value = await connectWithRetry(open, {
      describe: 'PostgreSQL at db:5432/app',
      attempts: 10,
      baseDelayMs: 40,
      maxDelayMs: 1_000,
      logger,
    });
    expect(value).toBe('db');
    expect(calls).toHaveLength(4);
    const gaps = calls.slice(1).map((t, i) => t - calls[i]!);
    // 40, 80, 160 ms less up to 20 % jitter (timers may fire a little late, never early).
    [40, 80, 160].forEach((full, i) => {
      expect(gaps[i]).toBeGreaterThanOrEqual(full * 0.8 - 2);
      expect(gaps[i]).toBeLessThan(full + 60);
    });
    expect(lines.map((l) => [l.level, l.obj['attempt'] ?? l.obj['attempts']])).toEqual([
      ['warn', 1],
      ['warn', 2],
      ['warn', 3],
      ['info', 4],
    ]);
    expect(lines[0]?.obj).toMatchObject({ target: 'PostgreSQL at db:5432/app', err: 'refused #1' });
  });

  it('caps the delay at maxDelayMs', async () => {
    const { open, calls } = flakyOpener(5, 'db');
    await connectWithRetry(open, { describe: 'db', attempts: 6, baseDelayMs: 20, maxDelayMs: 30 });
    const gaps = calls.slice(1).map((t, i) => t - calls[i]!);
    expect(Math.max(...gaps)).toBeLessThan(30 + 40);
    expect(gaps.slice(1).every((g) => g >= 30 * 0.8 - 2)).toBe(true);
  });

  it('gives up after `attempts`, naming the target, the attempts and the last cause', async () => {
    const { open, calls } = flakyOpener(Number.POSITIVE_INFINITY, 'db');
    const error = await rejectionOf(
      connectWithRetry(open, {
        describe: 'PostgreSQL at 10.0.0.5:5432/framecast',
        attempts: 3,
        baseDelayMs: 1,
      }),
    );
    expect(calls).toHaveLength(3);
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(
      /^PostgreSQL at 10\.0\.0\.5:5432\/framecast did not answer after 3 attempts in \d+ ms: refused #3$/,
    );
    expect((error.cause as Error).message).toBe('refused #3');
  });

  it('gives up when the deadline has passed, with one last attempt at the deadline', async () => {
    const { open, calls } = flakyOpener(Number.POSITIVE_INFINITY, 'db');
    const started = performance.now();
    await expect(
      connectWithRetry(open, { describe: 'db', deadlineMs: 300, baseDelayMs: 50, maxDelayMs: 100 }),
    ).rejects.toThrow(/^db did not answer after \d+ attempts/);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(295);
    expect(elapsed).toBeLessThan(500);
    expect(calls.length).toBeGreaterThanOrEqual(4); // 0, ~50, ~150, ~250, 300
    expect(calls.at(-1)! - started).toBeGreaterThanOrEqual(290);
  });

  it('makes exactly one attempt with deadlineMs 0', async () => {
    const { open, calls } = flakyOpener(Number.POSITIVE_INFINITY, 'db');
    await expect(connectWithRetry(open, { describe: 'db', deadlineMs: 0 })).rejects.toThrow(
      /^db did not answer after 1 attempt in \d+ ms: refused #1$/,
    );
    expect(calls).toHaveLength(1);
  });

  it('stops waiting when the signal aborts', async () => {
    const { open } = flakyOpener(Number.POSITIVE_INFINITY, 'db');
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('SIGTERM during start-up')), 50);
    const started = performance.now();
    await expect(
      connectWithRetry(open, {
        describe: 'db',
        attempts: 100,
        baseDelayMs: 1_000,
        signal: controller.signal,
      }),
    ).rejects.toThrow('SIGTERM during start-up');
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('refuses invalid options', async () => {
    const open = () => Promise.resolve(1);
    await expect(connectWithRetry(open, { describe: 'db', attempts: 0 })).rejects.toThrow(RangeError);
    await expect(connectWithRetry(open, { describe: 'db', attempts: 1.5 })).rejects.toThrow(/attempts/);
    await expect(connectWithRetry(open, { describe: 'db', deadlineMs: -1 })).rejects.toThrow(/deadlineMs/);
    await expect(connectWithRetry(open, { describe: 'db', baseDelayMs: Number.NaN })).rejects.toThrow(
      /baseDelayMs/,
    );
  });

  it('fails within the deadline against a closed port, naming host, port and database but not the password', async () => {
    const connectionString = 'postgres://framecast:s3cr3t-pa55@127.0.0.1:1/framecast';
    const { logger, lines } = recordingLogger();
    const started = performance.now();
    const error = await rejectionOf(
      connectWithRetry(() => openPostgres(connectionString), {
        describe: describePostgres(connectionString),
        deadlineMs: 2_000,
        baseDelayMs: 100,
        maxDelayMs: 400,
        logger,
      }),
    );
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(1_900);
    expect(elapsed).toBeLessThan(3_000);
    expect(error.message).toMatch(
      /^PostgreSQL at 127\.0\.0\.1:1\/framecast did not answer after \d+ attempts in \d+ ms: .*ECONNREFUSED/,
    );
    expect(error.message).not.toContain('s3cr3t');
    expect(JSON.stringify(lines)).not.toContain('s3cr3t');
    expect(lines.filter((l) => l.level === 'warn').length).toBeGreaterThanOrEqual(4);
  });

  const url = process.env['TEST_DATABASE_URL'] || process.env['DATABASE_URL'];
  it.skipIf(url === undefined)('opens a real PostgreSQL at the first attempt', async () => {
    const handle = await connectWithRetry(() => openPostgres(url!), {
      describe: describePostgres(url!),
      attempts: 3,
    });
    try {
      expect(handle.kind).toBe('postgres');
    } finally {
      await handle.close();
    }
  });
});

describe('describePostgres', () => {
  it('names host, port and database, never user or password', () => {
    expect(describePostgres('postgres://framecast:pw@10.0.0.5:5433/framecast?sslmode=require')).toBe(
      'PostgreSQL at 10.0.0.5:5433/framecast',
    );
    expect(describePostgres('postgresql://u:p@db/app')).toBe('PostgreSQL at db:5432/app');
    expect(describePostgres('postgres://u:p@[::1]:6543/app')).toBe('PostgreSQL at [::1]:6543/app');
    expect(describePostgres('postgres:///app?host=/var/run/postgresql')).toBe(
      'PostgreSQL at /var/run/postgresql:5432/app',
    );
    expect(describePostgres('postgres://u:p@db:5432')).toBe('PostgreSQL at db:5432/(default database)');
    expect(describePostgres('host=db password=pw')).toBe('PostgreSQL');
    expect(describePostgres('mysql://u:p@db/app')).toBe('PostgreSQL');
  });
});
