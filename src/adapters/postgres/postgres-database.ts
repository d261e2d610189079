import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database, DatabaseHandle } from './database.js';

/** An open PostgreSQL connection pool; `pool` is exposed for metrics (`totalCount`, `waitingCount`). */
export interface PostgresDatabaseHandle extends DatabaseHandle {
  readonly kind: 'postgres';
  readonly pool: pg.Pool;
}

export interface PostgresDatabaseOptions {
  /** `postgres://user:password@host:port/database?...` */
  readonly connectionString: string;
  /** Most connections the pool opens (>= 1). */
  readonly poolMax: number;
  /** How long to wait for a connection, in milliseconds, before a query fails (pg waits forever by default). */
  readonly connectionTimeoutMs: number;
  /** Server-side `statement_timeout` of every connection, in milliseconds (0 disables it). */
  readonly statementTimeoutMs: number;
  /**
   * `search_path` of every connection: one schema name or a comma-separated list of plain
   * identifiers (letters, digits, `_`). Tests give each subject its own schema this way.
   */
  readonly searchPath?: string | undefined;
  /**
   * Called when an idle pooled connection fails (server restart, network cut). The pool drops
   * that connection; later queries reconnect or fail as `DatabaseUnavailable`. Default: ignored.
   */
  readonly onIdleError?: ((error: Error) => void) | undefined;
}

const INT8_OID = 20;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** int8 (count(*), bigint columns) as a JS number, as PGlite returns it; pg returns strings by default. */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary'
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format ?? 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

function searchPathOption(searchPath: string): string {
  const schemas = searchPath.split(',').map((s) => s.trim());
  if (schemas.some((s) => !IDENTIFIER.test(s)))
    throw new Error(`searchPath must list plain identifiers separated by commas, got "${searchPath}"`);
  return `-c search_path=${schemas.join(',')}`;
}

/**
 * Opens a pg connection pool behind Kysely. Connections are made lazily (the first query
 * connects), so this does not fail when the server is down: check with a repository's `ping()`.
 * Run {@link migrateToLatest} before use.
 *
 * @throws Error for invalid options (poolMax < 1, malformed searchPath).
 */
export async function createPostgresDatabase(
  options: PostgresDatabaseOptions,
): Promise<PostgresDatabaseHandle> {
  if (!Number.isInteger(options.poolMax) || options.poolMax < 1)
    throw new Error(`poolMax must be a positive integer, got ${options.poolMax}`);
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.poolMax,
    connectionTimeoutMillis: options.connectionTimeoutMs,
    statement_timeout: options.statementTimeoutMs,
    types,
    ...(options.searchPath !== undefined ? { options: searchPathOption(options.searchPath) } : {}),
  });
  const onIdleError = options.onIdleError ?? (() => undefined);
  // Without a listener an idle connection's error would crash the process.
  pool.on('error', (error) => onIdleError(error));
  // pg-pool listens for errors only on idle clients: a checked-out client (a query running when
  // the server dies or restarts) emits 'error' with no listener, which crashed every API and
  // worker process. The query itself still rejects; the broken client is dropped on release.
  pool.on('connect', (client) => {
    client.on('error', (error) => onIdleError(error));
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  let closing: Promise<void> | null = null;
  return {
    db,
    kind: 'postgres',
    pool,
    close() {
      closing ??= db.destroy();
      return closing;
    },
  };
}
