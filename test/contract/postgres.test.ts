import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { KyselyJobRepository } from '../../src/adapters/postgres/kysely-job-repository.js';
import { migrateToLatest } from '../../src/adapters/postgres/migrate.js';
import { createPostgresDatabase } from '../../src/adapters/postgres/postgres-database.js';
import { describeUnavailable, postgresTestDatabases } from '../support/databases.js';
import { describeKyselyContracts } from './kysely-contracts.js';

describe('infrastructure failures [postgres]', () => {
  it('answers DatabaseUnavailable, not a throw, when the server does not answer', async () => {
    // Port 1 on loopback refuses at once: no server needed for this test.
    const handle = await createPostgresDatabase({
      connectionString: 'postgres://postgres@127.0.0.1:1/none',
      poolMax: 1,
      connectionTimeoutMs: 1_000,
      statementTimeoutMs: 1_000,
    });
    try {
      const repo = new KyselyJobRepository(handle.db);
      expect((await repo.ping())._unsafeUnwrapErr()).toMatchObject({ type: 'DatabaseUnavailable' });
      expect((await repo.findById('x'))._unsafeUnwrapErr()).toMatchObject({ type: 'DatabaseUnavailable' });
      expect((await repo.claim('w', 1_000, 1))._unsafeUnwrapErr()).toMatchObject({
        type: 'DatabaseUnavailable',
      });
    } finally {
      await handle.close();
    }
  });
});

// TEST_DATABASE_URL / DATABASE_URL, else testcontainers, else skipped (failed with REQUIRE_SERVICES=1).
const postgres = await postgresTestDatabases();
afterAll(() => postgres.dispose());

if (postgres.unavailable === null) {
  describeKyselyContracts(postgres);

  describe('createPostgresDatabase and migrateToLatest [postgres]', () => {
    it('migrates once: a second run executes nothing', async () => {
      const { db, close } = await postgres.open();
      try {
        expect(await migrateToLatest(db)).toEqual({ executed: [] });
      } finally {
        await close();
      }
    });

    it('reads int8 as a number, like PGlite', async () => {
      const { db, close } = await postgres.open();
      try {
        const { rows } = await sql<{ n: unknown }>`SELECT 9007199254740991::int8 AS n`.execute(db);
        expect(rows[0]?.n).toBe(Number.MAX_SAFE_INTEGER);
      } finally {
        await close();
      }
    });

    it('refuses a search path that is not a list of plain identifiers', async () => {
      await expect(
        createPostgresDatabase({
          connectionString: 'postgres://127.0.0.1:1/none',
          poolMax: 1,
          connectionTimeoutMs: 100,
          statementTimeoutMs: 100,
          searchPath: 'public; DROP TABLE jobs',
        }),
      ).rejects.toThrow(/searchPath/);
    });
  });
} else {
  describeUnavailable('Repository contracts [postgres]', postgres);
}
