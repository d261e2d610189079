import {
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Driver,
} from 'kysely';
import type { PgliteDatabaseHandle } from '../../src/adapters/postgres/pglite-database.js';
import type { Database } from '../../src/adapters/postgres/database.js';

/** A Kysely driver that refuses every query: a test that reaches the database forgot an override. */
class NoDatabaseDriver implements Driver {
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    throw new Error(
      'this test app has no database: override the repository registration in test/support/http-app.ts',
    );
  }
  async beginTransaction(): Promise<void> {}
  async commitTransaction(): Promise<void> {}
  async rollbackTransaction(): Promise<void> {}
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {}
}

/**
 * A stand-in for the `Database` registration in HTTP tests, where every repository is an in-memory
 * adapter: starting the container then opens no PGlite (4–8 s and ~800 MB each), and a repository
 * left un-overridden fails loudly instead of silently using a real database.
 */
export function noDatabase(): PgliteDatabaseHandle {
  const db = new Kysely<Database>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new NoDatabaseDriver(),
      createIntrospector: (k) => new PostgresIntrospector(k),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
  return {
    kind: 'pglite',
    db,
    pglite: undefined as never,
    close: async () => db.destroy(),
  } as PgliteDatabaseHandle;
}
