import { afterAll } from 'vitest';
import { InMemoryJobRepository } from '../../src/adapters/memory/in-memory-job-repository.js';
import { InMemoryWebhookDeliveryRepository } from '../../src/adapters/memory/in-memory-webhook-delivery-repository.js';
import { KyselyJobRepository } from '../../src/adapters/postgres/kysely-job-repository.js';
import { KyselyWebhookDeliveryRepository } from '../../src/adapters/postgres/kysely-webhook-delivery-repository.js';
import { SystemClock } from '../../src/adapters/system/system-clock.js';
import { describeUnavailable, pgliteTestDatabases, postgresTestDatabases } from '../support/databases.js';
import { describeWebhookDeliveryRepositoryContract } from './webhook-delivery-repository.contract.js';

describeWebhookDeliveryRepositoryContract('memory', async () => {
  const clock = new SystemClock();
  const jobs = new InMemoryJobRepository(clock);
  return {
    repo: new InMemoryWebhookDeliveryRepository(() => jobs.snapshot(), clock),
    jobs,
    close: () => Promise.resolve(),
  };
});

const pglite = pgliteTestDatabases();
afterAll(() => pglite.dispose());
describeWebhookDeliveryRepositoryContract('pglite', async () => {
  const t = await pglite.open();
  return {
    repo: new KyselyWebhookDeliveryRepository(t.db),
    jobs: new KyselyJobRepository(t.db),
    close: () => t.close(),
  };
});

// TEST_DATABASE_URL / DATABASE_URL, else testcontainers, else skipped (failed with REQUIRE_SERVICES=1).
const postgres = await postgresTestDatabases();
afterAll(() => postgres.dispose());
if (postgres.unavailable === null) {
  describeWebhookDeliveryRepositoryContract('postgres', async () => {
    const t = await postgres.open();
    return {
      repo: new KyselyWebhookDeliveryRepository(t.db),
      jobs: new KyselyJobRepository(t.db),
      close: () => t.close(),
    };
  });
} else {
  describeUnavailable('WebhookDeliveryRepository contract [postgres]', postgres);
}
