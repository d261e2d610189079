import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBatch, type Batch, type BatchJobTally } from '../../src/domain/batch.js';
import {
  claimJob,
  completeJob,
  createJob,
  failJob,
  reportProgress,
  requestCancel,
  type Job,
} from '../../src/domain/job.js';
import { VideoSpec } from '../../src/domain/video-spec.js';
import type { BatchRepository } from '../../src/ports/batch-repository.js';
import type { JobRepository } from '../../src/ports/job-repository.js';

/** One fresh, empty store per test: the batch repository and the job store it writes to. */
export interface BatchRepositorySubject {
  readonly repo: BatchRepository;
  readonly jobs: JobRepository;
  close(): Promise<void>;
}

const NOW = new Date('2026-11-21T12:00:00.000Z');
const spec = VideoSpec.create({ topic: 'Batches' })._unsafeUnwrap();

function newBatch(
  size: number,
  options: { name?: string; ownerId?: string } = {},
): { batch: Batch; jobs: Job[] } {
  const batchId = randomUUID();
  const ownerId = options.ownerId ?? 'owner-1';
  const jobs = Array.from({ length: size }, (_, i) =>
    createJob({
      id: `${batchId}-job-${i}`,
      ownerId,
      spec,
      priority: i % 3,
      maxAttempts: 2,
      batchId,
      now: new Date(NOW.getTime() + i),
    }),
  );
  const batch = createBatch({
    id: batchId,
    ownerId,
    name: options.name,
    jobIds: jobs.map((j) => j.id),
    maxJobs: 100,
    now: NOW,
  })._unsafeUnwrap();
  return { batch, jobs };
}

const byStatus = (tallies: BatchJobTally[]): Record<string, { count: number; percentSum: number }> =>
  Object.fromEntries(tallies.map((t) => [t.status, { count: t.count, percentSum: t.percentSum }]));

const asset = {
  videoKey: 'v',
  thumbnailKey: 't',
  subtitlesKey: 's',
  sizeBytes: 1,
  durationSeconds: 1,
  width: 2,
  height: 2,
  fps: 1,
  videoCodec: 'h264',
  audioCodec: null,
  bitrate: 1,
  sha256: 'a'.repeat(64),
};

/**
 * Runs the {@link BatchRepository} contract against one adapter: round trip with the jobs,
 * not-found, atomic insert (a duplicate stores nothing), tallies that follow the jobs, deletion by
 * owner.
 */
export function describeBatchRepositoryContract(
  adapterName: string,
  makeSubject: () => Promise<BatchRepositorySubject>,
): void {
  describe(`BatchRepository contract [${adapterName}]`, () => {
    let s: BatchRepositorySubject;
    beforeEach(async () => {
      s = await makeSubject();
    });
    afterEach(async () => {
      await s.close();
    });

    it('stores a batch with its jobs and reads it back', async () => {
      const { batch, jobs } = newBatch(3, { name: 'Geometry' });
      expect((await s.repo.insert(batch, jobs))._unsafeUnwrap()).toEqual(batch);
      expect((await s.repo.findById(batch.id))._unsafeUnwrap()).toEqual(batch);
      for (const job of jobs) expect((await s.jobs.findById(job.id))._unsafeUnwrap()).toEqual(job);
    });

    it('keeps a batch without a name, and the order of its job ids', async () => {
      const { batch, jobs } = newBatch(5);
      const reversed = { ...batch, jobIds: [...batch.jobIds].reverse() };
      await s.repo.insert(reversed, jobs);
      const found = (await s.repo.findById(batch.id))._unsafeUnwrap();
      expect(found.name).toBeNull();
      expect(found.jobIds).toEqual(reversed.jobIds);
    });

    it("deletes only the given owner's batches, idempotently, leaving the jobs to the job store", async () => {
      const mine = [newBatch(2, { ownerId: 'owner-a' }), newBatch(1, { ownerId: 'owner-a' })];
      const theirs = newBatch(1, { ownerId: 'owner-b' });
      for (const b of [...mine, theirs]) await s.repo.insert(b.batch, b.jobs);
      expect((await s.repo.deleteByOwner('owner-a'))._unsafeUnwrap()).toBe(2);
      for (const b of mine)
        expect((await s.repo.findById(b.batch.id))._unsafeUnwrapErr()).toEqual({
          type: 'BatchNotFound',
          batchId: b.batch.id,
        });
      expect((await s.repo.findById(theirs.batch.id))._unsafeUnwrap()).toEqual(theirs.batch);
      for (const job of mine[0]!.jobs) expect((await s.jobs.findById(job.id)).isOk()).toBe(true);
      expect((await s.repo.deleteByOwner('owner-a'))._unsafeUnwrap()).toBe(0);
      expect((await s.repo.deleteByOwner('nobody'))._unsafeUnwrap()).toBe(0);
    });

    it('answers BatchNotFound for an unknown id', async () => {
      expect((await s.repo.findById('no-such-batch'))._unsafeUnwrapErr()).toEqual({
        type: 'BatchNotFound',
        batchId: 'no-such-batch',
      });
    });

    it('stores nothing when a job id already exists (all or nothing)', async () => {
      const first = newBatch(1);
      await s.repo.insert(first.batch, first.jobs);
      const second = newBatch(3);
      const clash = { ...first.jobs[0]!, batchId: second.batch.id };
      const jobs = [second.jobs[0]!, clash, second.jobs[2]!];
      const batch = { ...second.batch, jobIds: jobs.map((j) => j.id) };
      await expect(s.repo.insert(batch, jobs)).rejects.toThrow();
      expect((await s.repo.findById(batch.id))._unsafeUnwrapErr().type).toBe('BatchNotFound');
      expect((await s.jobs.findById(second.jobs[0]!.id))._unsafeUnwrapErr().type).toBe('JobNotFound');
      expect((await s.jobs.findById(first.jobs[0]!.id))._unsafeUnwrap().batchId).toBe(first.batch.id);
    });

    it('refuses a second batch with the same id, storing none of its jobs', async () => {
      const { batch, jobs } = newBatch(1);
      await s.repo.insert(batch, jobs);
      const again = newBatch(2);
      const sameId = { ...again.batch, id: batch.id };
      const moved = again.jobs.map((j) => ({ ...j, batchId: batch.id }));
      await expect(s.repo.insert(sameId, moved)).rejects.toThrow();
      for (const job of moved) expect((await s.jobs.findById(job.id)).isErr()).toBe(true);
    });

    it('tallies a new batch as all queued', async () => {
      const { batch, jobs } = newBatch(4);
      await s.repo.insert(batch, jobs);
      expect((await s.repo.jobTallies(batch.id))._unsafeUnwrap()).toEqual([
        { status: 'queued', count: 4, percentSum: 0 },
      ]);
    });

    it('tallies follow the jobs as they move, and count only this batch', async () => {
      const { batch, jobs } = newBatch(5);
      await s.repo.insert(batch, jobs);
      const other = newBatch(2);
      await s.repo.insert(other.batch, other.jobs);

      const now = new Date(NOW.getTime() + 60_000);
      const claim = (j: Job) => claimJob(j, { workerId: 'w', leaseMs: 60_000, now })._unsafeUnwrap();
      const [a, b, c, d] = jobs as [Job, Job, Job, Job, Job];
      const save = async (job: Job) => (await s.jobs.update(job))._unsafeUnwrap();
      const runningA = await save(claim(a));
      await save(
        reportProgress(runningA, { attempt: 1, stage: 'rendering', percent: 35, now })._unsafeUnwrap(),
      );
      const runningB = await save(claim(b));
      await save(
        reportProgress(runningB, { attempt: 1, stage: 'composing', percent: 70, now })._unsafeUnwrap(),
      );
      const runningC = await save(claim(c));
      await save(completeJob(runningC, { attempt: 1, result: asset, now })._unsafeUnwrap());
      const runningD = await save(claim(d));
      await save(
        failJob(runningD, {
          attempt: 1,
          backoffMs: 0,
          now,
          error: { code: 'BOOM', message: 'boom', retryable: false },
        })._unsafeUnwrap(),
      );
      await save(requestCancel(jobs[4]!, now)._unsafeUnwrap());

      expect(byStatus((await s.repo.jobTallies(batch.id))._unsafeUnwrap())).toEqual({
        processing: { count: 2, percentSum: 105 },
        completed: { count: 1, percentSum: 100 },
        failed: { count: 1, percentSum: 0 },
        cancelled: { count: 1, percentSum: 0 },
      });
      expect((await s.repo.jobTallies(other.batch.id))._unsafeUnwrap()).toEqual([
        { status: 'queued', count: 2, percentSum: 0 },
      ]);
    });

    it('has no tallies for an unknown batch', async () => {
      expect((await s.repo.jobTallies('no-such-batch'))._unsafeUnwrap()).toEqual([]);
    });
  });
}
