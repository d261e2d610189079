import { errAsync, ResultAsync } from 'neverthrow';
import { InMemoryObjectStorage } from '../../../src/adapters/memory/in-memory-object-storage.js';
import { describe, expect, it } from 'vitest';
import { jobStatusCacheKey } from '../../../src/application/get-job-status.js';
import type {
  DatabaseUnavailable,
  JobNotFound,
  StorageUnavailable,
  VersionConflict,
} from '../../../src/ports/errors.js';
import {
  ALICE,
  BOB,
  DelegatingJobRepository,
  DelegatingObjectStorage,
  at,
} from '../../support/application-fixture.js';
import { createJobManagementFixture } from '../../support/job-management-fixture.js';

describe('DeleteJob', () => {
  it('deletes a completed job’s files, log and row, and records an audit row', async () => {
    const f = createJobManagementFixture();
    const done = await f.completed((await f.submit()).id);
    const other = await f.completed((await f.submit()).id);
    await f.cache.set(jobStatusCacheKey(done.id), 'cached view', 60_000);
    expect(await f.storedKeys(`test/${ALICE}/${done.id}/`)).toHaveLength(3);
    f.clock.advance(5_000);

    const deleted = await f.deleteJob.execute({
      principal: f.principal(ALICE),
      jobId: done.id,
      requestId: 'req-7',
    });

    expect(deleted._unsafeUnwrap()).toEqual({ jobId: done.id, deletedObjects: 3 });
    expect((await f.jobs.findById(done.id))._unsafeUnwrapErr()).toEqual({
      type: 'JobNotFound',
      jobId: done.id,
    });
    expect(await f.eventsOf(done.id)).toEqual([]);
    expect(await f.storedKeys(`test/${ALICE}/${done.id}/`)).toEqual([]);
    expect(await f.cache.get(jobStatusCacheKey(done.id))).toBeNull();
    // Another job of the same owner keeps its files and log.
    expect(await f.storedKeys(`test/${ALICE}/${other.id}/`)).toHaveLength(3);
    expect((await f.eventsOf(other.id)).length).toBeGreaterThan(0);
    expect((await f.audit.list({ limit: 10 }))._unsafeUnwrap().items).toEqual([
      {
        id: '1',
        actorId: ALICE,
        action: 'job.deleted',
        targetType: 'job',
        targetId: done.id,
        detail: { ownerId: ALICE, status: 'completed', deletedObjects: 3 },
        at: at(5_000),
        requestId: 'req-7',
      },
    ]);
  });

  it('deletes a queued job (nothing stored) so no worker can claim it', async () => {
    const f = createJobManagementFixture();
    const job = await f.submit();
    expect(
      (await f.deleteJob.execute({ principal: f.principal(ALICE), jobId: job.id }))._unsafeUnwrap(),
    ).toEqual({
      jobId: job.id,
      deletedObjects: 0,
    });
    expect(await f.process()).toEqual({ kind: 'idle' });
  });

  it('refuses a processing job with JobProcessing and keeps everything', async () => {
    const f = createJobManagementFixture();
    const running = await f.processing((await f.submit()).id);
    expect(
      (await f.deleteJob.execute({ principal: f.principal(ALICE), jobId: running.id }))._unsafeUnwrapErr(),
    ).toEqual({
      type: 'JobProcessing',
      jobId: running.id,
    });
    expect(await f.job(running.id)).toEqual(running);
    expect((await f.audit.list({ limit: 10 }))._unsafeUnwrap().items).toEqual([]);
  });

  it('answers JobNotFound for another user’s job and deletes nothing', async () => {
    const f = createJobManagementFixture();
    const done = await f.completed((await f.submit()).id);
    expect(
      (await f.deleteJob.execute({ principal: f.principal(BOB), jobId: done.id }))._unsafeUnwrapErr(),
    ).toEqual({
      type: 'JobNotFound',
      jobId: done.id,
    });
    expect(await f.job(done.id)).toEqual(done);
    expect(await f.storedKeys(`test/${ALICE}/${done.id}/`)).toHaveLength(3);
  });

  it('keeps the job when storage is down (StorageUnavailable), so it can be deleted later', async () => {
    const f = createJobManagementFixture({
      storageSeen: new (class extends DelegatingObjectStorage {
        override deletePrefix(): ResultAsync<number, StorageUnavailable> {
          return errAsync({ type: 'StorageUnavailable', message: 'bucket unreachable', retryable: true });
        }
      })(new InMemoryObjectStorage()),
    });
    const done = await f.completed((await f.submit()).id);
    expect(
      (await f.deleteJob.execute({ principal: f.principal(ALICE), jobId: done.id }))._unsafeUnwrapErr(),
    ).toMatchObject({
      type: 'StorageUnavailable',
    });
    expect(await f.job(done.id)).toEqual(done);
    expect((await f.eventsOf(done.id)).length).toBeGreaterThan(0);
  });

  it('keeps a queued job that a worker claimed meanwhile (VersionConflict)', async () => {
    let claimFirst = async (): Promise<void> => undefined;
    const f = createJobManagementFixture({
      jobsSeen: ({ jobs }) =>
        new (class extends DelegatingJobRepository {
          override delete(
            jobId: string,
            expectedVersion: number,
          ): ResultAsync<void, JobNotFound | VersionConflict | DatabaseUnavailable> {
            // A worker claims the job between the use case's read and its delete.
            return ResultAsync.fromSafePromise(claimFirst()).andThen(() =>
              super.delete(jobId, expectedVersion),
            );
          }
        })(jobs),
    });
    const job = await f.submit();
    claimFirst = async () => {
      await f.processing(job.id);
    };
    expect(
      (await f.deleteJob.execute({ principal: f.principal(ALICE), jobId: job.id }))._unsafeUnwrapErr(),
    ).toEqual({
      type: 'VersionConflict',
      id: job.id,
      expectedVersion: job.version,
    });
    expect((await f.job(job.id)).status).toBe('processing');
  });
});
