import { InMemoryApiKeyRepository } from '../../src/adapters/memory/in-memory-api-key-repository.js';
import { InMemoryConfigurationRepository } from '../../src/adapters/memory/in-memory-configuration-repository.js';
import { InMemoryUploadRepository } from '../../src/adapters/memory/in-memory-upload-repository.js';
import { InMemoryBatchRepository } from '../../src/adapters/memory/in-memory-batch-repository.js';
import { InMemoryIdempotencyStore } from '../../src/adapters/memory/in-memory-idempotency-store.js';
import { InMemoryAuditLog } from '../../src/adapters/memory/in-memory-audit-log.js';
import { InMemoryJobEventRepository } from '../../src/adapters/memory/in-memory-job-event-repository.js';
import { InMemoryJobRepository } from '../../src/adapters/memory/in-memory-job-repository.js';
import { InMemoryUserRepository } from '../../src/adapters/memory/in-memory-user-repository.js';
import type { Clock } from '../../src/ports/clock.js';
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

/** A clock the test moves by hand. */
class ManualClock implements Clock {
  constructor(private ms: number) {}
  now(): Date {
    return new Date(this.ms);
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

const START = Date.parse('2026-11-21T12:00:00.000Z');

describeJobRepositoryContract('memory', async () => {
  const clock = new ManualClock(START);
  return {
    repo: new InMemoryJobRepository(clock),
    now: () => clock.now(),
    advanceTime: (ms) => clock.advance(ms),
    close: () => Promise.resolve(),
  };
});

describeJobStatisticsContract('memory', async () => {
  const clock = new ManualClock(START);
  return {
    repo: new InMemoryJobRepository(clock),
    now: () => clock.now(),
    advanceTime: (ms) => clock.advance(ms),
    close: () => Promise.resolve(),
  };
});

describeJobEventRepositoryContract('memory', async () => {
  const repo = new InMemoryJobEventRepository();
  return {
    repo,
    jobs: new InMemoryJobRepository(new ManualClock(START), { events: repo }),
    close: () => Promise.resolve(),
  };
});

describeApiKeyRepositoryContract('memory', async () => ({
  repo: new InMemoryApiKeyRepository(),
  close: () => Promise.resolve(),
}));

describeUserRepositoryContract('memory', async () => ({
  repo: new InMemoryUserRepository(),
  close: () => Promise.resolve(),
}));

describeAuditLogContract('memory', async () => ({
  log: new InMemoryAuditLog(),
  close: () => Promise.resolve(),
}));

describeBatchRepositoryContract('memory', async () => {
  const jobs = new InMemoryJobRepository(new ManualClock(START));
  return { repo: new InMemoryBatchRepository(jobs), jobs, close: () => Promise.resolve() };
});

describeIdempotencyStoreContract('memory', async () => ({
  store: new InMemoryIdempotencyStore(),
  close: () => Promise.resolve(),
}));

describeUploadRepositoryContract('memory', async () => ({
  repo: new InMemoryUploadRepository(),
  close: () => Promise.resolve(),
}));

describeConfigurationRepositoryContract('memory', async () => ({
  repo: new InMemoryConfigurationRepository(),
  close: () => Promise.resolve(),
}));
