import pg from 'pg';
import type { TestDatabases } from '../../support/databases.js';

/** A PostgreSQL server URL for tests that open their own connections (LISTEN, pg_terminate_backend). */
export type TestPostgresUrl =
  | { readonly url: string; readonly unavailable: null }
  | { readonly url: null; readonly unavailable: TestDatabases };

const redact = (url: string): string => url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');

/**
 * The same source as `postgresTestDatabases()` minus testcontainers (these tests need the URL itself):
 * `TEST_DATABASE_URL`, then `DATABASE_URL`. An explicit URL that does not answer is a failure; no
 * URL at all is a skip, or a failure with `REQUIRE_SERVICES=1`. The unavailable case comes as a
 * `TestDatabases` for `describeUnavailable()`.
 */
export async function testPostgresUrl(): Promise<TestPostgresUrl> {
  const url = process.env['TEST_DATABASE_URL'] || process.env['DATABASE_URL'] || undefined;
  if (url === undefined)
    return unavailable('no TEST_DATABASE_URL or DATABASE_URL', process.env['REQUIRE_SERVICES'] === '1');
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { url, unavailable: null };
  } catch (cause) {
    const message = cause instanceof Error ? cause.message || cause.name : String(cause);
    return unavailable(`PostgreSQL at ${redact(url)} does not answer: ${message}`, true);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function unavailable(reason: string, required: boolean): TestPostgresUrl {
  return {
    url: null,
    unavailable: {
      kind: 'postgres',
      unavailable: reason,
      required,
      open: () => Promise.reject(new Error(`PostgreSQL is unavailable: ${reason}`)),
      dispose: () => Promise.resolve(),
    },
  };
}
