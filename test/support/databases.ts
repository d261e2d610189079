import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { describe, it } from 'vitest';
import type { Database } from '../../src/adapters/postgres/database.js';
import { migrateToLatest } from '../../src/adapters/postgres/migrate.js';
import {
  createPgliteDatabase,
  type PgliteDatabaseHandle,
} from '../../src/adapters/postgres/pglite-database.js';
import {
  createPostgresDatabase,
  type PostgresDatabaseHandle,
} from '../../src/adapters/postgres/postgres-database.js';

/** A fresh, empty, migrated database for one test subject. */
export interface TestDatabase {
  readonly db: Kysely<Database>;
  /** Frees it (drops the subject's schema on PostgreSQL). */
  close(): Promise<void>;
}

/** Where a test file gets its databases from. */
export interface TestDatabases {
  readonly kind: 'pglite' | 'postgres';
  /** Why this engine cannot be used here, or `null` when it can. */
  readonly unavailable: string | null;
  /** When unavailable: whether that fails the run (REQUIRE_SERVICES=1, or an explicit URL that does not answer). */
  readonly required: boolean;
  /** A fresh, empty, migrated database. Subjects of one file are used one after another. */
  open(): Promise<TestDatabase>;
  /** Closes everything the source opened (call in `afterAll`). */
  dispose(): Promise<void>;
}

const TABLES = [
  'job_events',
  'jobs',
  'users',
  'api_keys',
  'audit_log',
  'batches',
  'idempotency_keys',
  'uploads',
  'configurations',
] as const;

/**
 * One in-memory PGlite for the whole test file (a new PGlite costs 4–8 s of initdb, so never one
 * per test), created and migrated on the first `open()`. Every `open()` empties the tables, so
 * each subject starts from nothing; subjects must not overlap (vitest runs a file's tests in order).
 */
export function pgliteTestDatabases(): TestDatabases {
  let shared: Promise<PgliteDatabaseHandle> | null = null;
  const handle = (): Promise<PgliteDatabaseHandle> =>
    (shared ??= createPgliteDatabase().then(async (h) => {
      await migrateToLatest(h.db);
      return h;
    }));
  return {
    kind: 'pglite',
    unavailable: null,
    required: false,
    async open() {
      const { db } = await handle();
      // CASCADE: tables of later migrations that reference these are emptied too.
      await sql`TRUNCATE ${sql.join(TABLES.map((t) => sql.table(t)))} CASCADE`.execute(db);
      return { db, close: () => Promise.resolve() };
    },
    async dispose() {
      if (shared !== null) await (await shared).close();
    },
  };
}

interface StartedContainer {
  getConnectionUri(): string;
  stop(): Promise<unknown>;
}

/** Starts PostgreSQL with testcontainers when the package is installed and a Docker engine answers. */
async function startContainer(): Promise<{ url: string; stop: () => Promise<void> } | string> {
  const moduleName = '@testcontainers/postgresql';
  let mod: { PostgreSqlContainer: new (image: string) => { start(): Promise<StartedContainer> } };
  try {
    mod = (await import(moduleName)) as typeof mod;
  } catch {
    return `${moduleName} is not installed`;
  }
  try {
    const container = await new mod.PostgreSqlContainer('postgres:15-alpine').start();
    return {
      url: container.getConnectionUri(),
      stop: async () => {
        await container.stop();
      },
    };
  } catch (cause) {
    return `testcontainers could not start PostgreSQL: ${cause instanceof Error ? cause.message : String(cause)}`;
  }
}

async function probe(url: string): Promise<string | null> {
  const handle = await createPostgresDatabase({
    connectionString: url,
    poolMax: 1,
    connectionTimeoutMs: 3_000,
    statementTimeoutMs: 5_000,
  });
  try {
    await sql`SELECT 1`.execute(handle.db);
    return null;
  } catch (cause) {
    return cause instanceof Error ? cause.message : String(cause);
  } finally {
    await handle.close();
  }
}

const redact = (url: string): string => url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');

/**
 * PostgreSQL for the contract suites, found in this order: `TEST_DATABASE_URL`, `DATABASE_URL`,
 * then testcontainers (only when installed and a Docker engine answers); else unavailable.
 * Each `open()` creates its own schema (`fc_test_<pid>_<random>`), a pool whose `search_path`
 * is that schema (12 connections, enough for the concurrent-claim test) and migrates it;
 * `close()` ends the pool and drops the schema.
 */
export async function postgresTestDatabases(): Promise<TestDatabases> {
  const required = process.env['REQUIRE_SERVICES'] === '1';
  const explicit = process.env['TEST_DATABASE_URL'] || process.env['DATABASE_URL'] || undefined;
  let url: string;
  let stopContainer = async (): Promise<void> => undefined;
  if (explicit !== undefined) {
    const problem = await probe(explicit);
    if (problem !== null)
      return unavailableSource(`PostgreSQL at ${redact(explicit)} does not answer: ${problem}`, true);
    url = explicit;
  } else {
    const started = await startContainer();
    if (typeof started === 'string')
      return unavailableSource(`no TEST_DATABASE_URL or DATABASE_URL, and ${started}`, required);
    url = started.url;
    stopContainer = started.stop;
  }

  const admin = await createPostgresDatabase({
    connectionString: url,
    poolMax: 2,
    connectionTimeoutMs: 5_000,
    statementTimeoutMs: 30_000,
  });
  const open = new Set<string>();
  // Kysely's Migrator inspects the tables of every schema; a schema dropped meanwhile by another
  // test (or test file) makes that inspection fail. Migrations and drops take turns under a
  // PostgreSQL advisory lock, which also spans test files running in parallel processes.
  const DDL_LOCK = 727_274;
  const withDdlLock = async <T>(f: () => Promise<T>): Promise<T> => {
    const client = await admin.pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [DDL_LOCK]);
      return await f();
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [DDL_LOCK]).catch(() => undefined);
      client.release();
    }
  };
  return {
    kind: 'postgres',
    unavailable: null,
    required,
    async open() {
      const schema = `fc_test_${process.pid}_${randomBytes(6).toString('hex')}`;
      await sql`CREATE SCHEMA ${sql.id(schema)}`.execute(admin.db);
      open.add(schema);
      const handle: PostgresDatabaseHandle = await createPostgresDatabase({
        connectionString: url,
        poolMax: 12,
        connectionTimeoutMs: 5_000,
        statementTimeoutMs: 30_000,
        searchPath: schema,
      });
      await withDdlLock(() => migrateToLatest(handle.db));
      let closed = false;
      return {
        db: handle.db,
        async close() {
          if (closed) return;
          closed = true;
          await handle.close();
          await withDdlLock(() => sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(admin.db));
          open.delete(schema);
        },
      };
    },
    async dispose() {
      for (const schema of open)
        await withDdlLock(() => sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(admin.db));
      await admin.close();
      await stopContainer();
    },
  };
}

function unavailableSource(reason: string, required: boolean): TestDatabases {
  return {
    kind: 'postgres',
    unavailable: reason,
    required,
    open: () => Promise.reject(new Error(`PostgreSQL is unavailable: ${reason}`)),
    dispose: () => Promise.resolve(),
  };
}

/**
 * Registers the visible outcome of suites that cannot run: a skipped test whose name gives the
 * reason, or — when the source is required (REQUIRE_SERVICES=1) — a failing test saying so.
 */
export function describeUnavailable(title: string, source: TestDatabases): void {
  const reason = source.unavailable ?? 'unknown reason';
  describe(title, () => {
    if (source.required) {
      it(`needs ${source.kind}`, () => {
        throw new Error(
          `${source.kind} is required (REQUIRE_SERVICES=1 or an explicit database URL) but unavailable: ${reason}`,
        );
      });
    } else {
      console.warn(`[${title}] skipped: ${reason}. Set TEST_DATABASE_URL=postgres://... to run them.`);
      it.skip(`skipped: ${reason}`, () => undefined);
    }
  });
}
