import { describe, expect, it } from 'vitest';
import { InMemoryBatchRepository } from '../../../src/adapters/memory/in-memory-batch-repository.js';
import { InMemoryConfigurationRepository } from '../../../src/adapters/memory/in-memory-configuration-repository.js';
import { InMemoryUploadRepository } from '../../../src/adapters/memory/in-memory-upload-repository.js';
import { PrepareVideoSpec } from '../../../src/application/prepare-video-spec.js';
import { SubmitBatch } from '../../../src/application/submit-batch.js';
import { ALICE, BOB, createApplicationFixture, T0 } from '../../support/application-fixture.js';

function setup() {
  const f = createApplicationFixture();
  const configurations = new InMemoryConfigurationRepository();
  const uploads = new InMemoryUploadRepository();
  const submitBatch = new SubmitBatch({
    batches: new InMemoryBatchRepository(f.jobs),
    activity: f.activity,
    signal: f.signal,
    clock: f.clock,
    ids: f.ids,
    logger: f.logger,
    settings: { maxAttempts: 3, maxJobsPerBatch: 10 },
    prepareSpec: new PrepareVideoSpec({ configurations, users: f.users, uploads }),
  });
  return { f, configurations, submitBatch };
}

describe('SubmitBatch with saved configurations', () => {
  it('merges each job’s configuration under its own fields, like a single submission', async () => {
    const { f, configurations, submitBatch } = setup();
    (
      await configurations.insert({
        id: 'cfg-shorts',
        ownerId: ALICE,
        name: 'Shorts',
        description: null,
        defaults: { aspectRatio: '9:16', quality: 'low' },
        createdAt: T0,
        updatedAt: T0,
      })
    )._unsafeUnwrap();
    const view = (
      await submitBatch.execute({
        ownerId: ALICE,
        jobs: [
          { topic: 'One', configurationId: 'cfg-shorts' },
          { topic: 'Two', configurationId: 'cfg-shorts', quality: 'high', priority: 3 },
          { topic: 'Three' },
        ],
      })
    )._unsafeUnwrap();
    const jobs = await Promise.all(
      view.batch.jobIds.map(async (id) => (await f.jobs.findById(id))._unsafeUnwrap()),
    );
    expect(jobs.map((j) => [j.spec.aspectRatio, j.spec.quality, j.priority])).toEqual([
      ['9:16', 'low', 0],
      ['9:16', 'high', 3],
      ['16:9', 'medium', 0],
    ]);
  });

  it("refuses another user's configuration at jobs.<i>.configurationId and creates nothing", async () => {
    const { f, configurations, submitBatch } = setup();
    (
      await configurations.insert({
        id: 'cfg-bob',
        ownerId: BOB,
        name: 'Bob',
        description: null,
        defaults: {},
        createdAt: T0,
        updatedAt: T0,
      })
    )._unsafeUnwrap();
    const error = (
      await submitBatch.execute({
        ownerId: ALICE,
        jobs: [{ topic: 'Fine' }, { topic: 'No', configurationId: 'cfg-bob' }],
      })
    )._unsafeUnwrapErr();
    expect(error).toEqual({
      type: 'InvalidBatch',
      issues: [{ path: 'jobs.1.configurationId', message: 'unknown configuration' }],
    });
    expect(Object.values((await f.jobs.countByStatus())._unsafeUnwrap()).reduce((a, b) => a + b, 0)).toBe(0);
  });
});
