import { KyselyApiKeyRepository } from '../../src/adapters/postgres/kysely-api-key-repository.js';
import { KyselyConfigurationRepository } from '../../src/adapters/postgres/kysely-configuration-repository.js';
import { KyselyUploadRepository } from '../../src/adapters/postgres/kysely-upload-repository.js';
import { KyselyBatchRepository } from '../../src/adapters/postgres/kysely-batch-repository.js';
import { KyselyIdempotencyStore } from '../../src/adapters/postgres/kysely-idempotency-store.js';
import { KyselyAuditLog } from '../../src/adapters/postgres/kysely-audit-log.js';
import { KyselyJobEventRepository } from '../../src/adapters/postgres/kysely-job-event-repository.js';
import { KyselyJobRepository } from '../../src/adapters/postgres/kysely-job-repository.js';
import { KyselyUserRepository } from '../../src/adapters/postgres/kysely-user-repository.js';
import type { TestDatabases } from '../support/databases.js';
import { describeApiKeyRepositoryContract } from './api-key-repository.contract.js';
import { describeConfigurationRepositoryContract } from './configuration-repository.contract.js';
import { describeUploadRepositoryContract } from './upload-repository.contract.js';
import { describeBatchRepositoryContract } from './batch-repository.contract.js';
import { describeIdempotencyStoreContract } from './idempotency-store.contract.js';
import { describeAuditLogContract } from './audit-log.contract.js';
import { describeJobEventRepositoryContract } from './job-event-repository.contract.js';
import { describeJobRepositoryContract } from './job-repository.contract.js';
import { describeJobStatisticsContract } from './job-statistics.contract.js';
import { describeUserRepositoryContract } from './user-repository.contract.js';

/**
 * Runs the four repository contracts against the Kysely adapters over `source` (PGlite or
 * PostgreSQL): suite names end in `[pglite]` or `[postgres]`. SQL stores use the real clock:
 * time-based tests sleep through short leases.
 */
export function describeKyselyContracts(source: TestDatabases): void {
  const name = source.kind;
  describeUploadRepositoryContract(name, async () => {
    const t = await source.open();
    return { repo: new KyselyUploadRepository(t.db), close: () => t.close() };
  });
  describeConfigurationRepositoryContract(name, async () => {
    const t = await source.open();
    return { repo: new KyselyConfigurationRepository(t.db), close: () => t.close() };
  });
  describeBatchRepositoryContract(name, async () => {
    const t = await source.open();
    return {
      repo: new KyselyBatchRepository(t.db),
      jobs: new KyselyJobRepository(t.db),
      close: () => t.close(),
    };
  });
  describeIdempotencyStoreContract(name, async () => {
    const t = await source.open();
    return { store: new KyselyIdempotencyStore(t.db), close: () => t.close() };
  });
  describeJobRepositoryContract(name, async () => {
    const t = await source.open();
    return { repo: new KyselyJobRepository(t.db), now: () => new Date(), close: () => t.close() };
  });
  describeJobStatisticsContract(name, async () => {
    const t = await source.open();
    return { repo: new KyselyJobRepository(t.db), now: () => new Date(), close: () => t.close() };
  });
  describeJobEventRepositoryContract(name, async () => {
    const t = await source.open();
    return {
      repo: new KyselyJobEventRepository(t.db),
      jobs: new KyselyJobRepository(t.db),
      close: () => t.close(),
    };
  });
  describeApiKeyRepositoryContract(name, async () => {
    const t = await source.open();
    return { repo: new KyselyApiKeyRepository(t.db), close: () => t.close() };
  });
  describeUserRepositoryContract(name, async () => {
    const t = await source.open();
    return { repo: new KyselyUserRepository(t.db), close: () => t.close() };
  });
  describeAuditLogContract(name, async () => {
    const t = await source.open();
    return { log: new KyselyAuditLog(t.db), close: () => t.close() };
  });
}
