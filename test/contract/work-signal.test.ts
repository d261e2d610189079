import { randomBytes } from 'node:crypto';
import { afterAll } from 'vitest';
import { InProcessWorkSignal } from '../../src/adapters/memory/in-process-work-signal.js';
import { createPostgresDatabase } from '../../src/adapters/postgres/postgres-database.js';
import { PostgresWorkSignal } from '../../src/adapters/postgres/postgres-work-signal.js';
import { describeUnavailable } from '../support/databases.js';
import { testPostgresUrl } from '../integration/postgres/test-postgres-url.js';
import { describeWorkSignalContract } from './work-signal.contract.js';

describeWorkSignalContract('in-process', () =>
  Promise.resolve({ signal: new InProcessWorkSignal(), close: () => Promise.resolve() }),
);

// TEST_DATABASE_URL / DATABASE_URL, else skipped (failed with REQUIRE_SERVICES=1).
const postgres = await testPostgresUrl();
if (postgres.url !== null) {
  const url = postgres.url;
  // One pool per "process" for the whole file; each subject gets its own channel, since channels are
  // database-wide and other test files may run at the same time.
  const pools = await Promise.all(
    [1, 2].map(() =>
      createPostgresDatabase({
        connectionString: url,
        poolMax: 2,
        connectionTimeoutMs: 3_000,
        statementTimeoutMs: 5_000,
      }),
    ),
  );
  afterAll(() => Promise.all(pools.map((p) => p.close())));

  // Two PostgresWorkSignal instances, each with its own pool and LISTEN connection: two worker processes.
  describeWorkSignalContract('postgres', async () => {
    const channel = `fc_test_${process.pid}_${randomBytes(4).toString('hex')}`;
    const [one, two] = pools.map(
      (handle) => new PostgresWorkSignal({ pool: handle.pool, connectionString: url, channel }),
    ) as [PostgresWorkSignal, PostgresWorkSignal];
    return {
      signal: one,
      peer: two,
      close: async () => {
        await Promise.all([one.close(), two.close()]);
      },
    };
  });
} else {
  describeUnavailable('WorkSignal contract [postgres]', postgres.unavailable);
}
