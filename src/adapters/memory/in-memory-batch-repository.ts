import { err, ok, ResultAsync, type Result } from 'neverthrow';
import type { Batch, BatchJobTally, BatchNotFound } from '../../domain/batch.js';
import type { Job, JobStatus } from '../../domain/job.js';
import type { BatchRepository } from '../../ports/batch-repository.js';
import type { DatabaseUnavailable } from '../../ports/errors.js';
import type { JobRepository } from '../../ports/job-repository.js';

const copy = (batch: Batch): Batch => ({
  ...batch,
  jobIds: Object.freeze([...batch.jobIds]),
  createdAt: new Date(batch.createdAt),
});

/**
 * {@link BatchRepository} in memory, held to the same contract as the SQL adapter. Jobs are
 * written to and read from the given job store (normally an `InMemoryJobRepository`), so the
 * batch's aggregates follow the jobs as they move.
 */
export class InMemoryBatchRepository implements BatchRepository {
  private readonly batches = new Map<string, Batch>();

  constructor(private readonly jobs: JobRepository) {}

  /**
   * Checks every id first, then inserts the jobs and the batch (in-memory job stores do not fail
   * once the ids are known to be free, so all or nothing is stored).
   * @throws Error (the ResultAsync rejects), storing nothing, on a duplicate batch or job id or a
   *   job of another batch.
   */
  insert(batch: Batch, jobs: readonly Job[]): ResultAsync<Batch, DatabaseUnavailable> {
    const run = async (): Promise<Result<Batch, DatabaseUnavailable>> => {
      await Promise.resolve();
      if (this.batches.has(batch.id)) throw new Error(`duplicate batch id ${batch.id}`);
      for (const job of jobs) {
        if (job.batchId !== batch.id) throw new Error(`job ${job.id} does not belong to batch ${batch.id}`);
        const existing = await this.jobs.findById(job.id);
        if (existing.isOk()) throw new Error(`duplicate job id ${job.id}`);
        if (existing.error.type !== 'JobNotFound') return err(existing.error);
      }
      if (this.batches.has(batch.id)) throw new Error(`duplicate batch id ${batch.id}`);
      for (const job of jobs) {
        const stored = await this.jobs.insert(job);
        if (stored.isErr()) return err(stored.error);
      }
      this.batches.set(batch.id, copy(batch));
      return ok(copy(batch));
    };
    return new ResultAsync(run());
  }

  findById(batchId: string): ResultAsync<Batch, BatchNotFound | DatabaseUnavailable> {
    return new ResultAsync(
      Promise.resolve().then((): Result<Batch, BatchNotFound> => {
        const batch = this.batches.get(batchId);
        return batch === undefined ? err({ type: 'BatchNotFound', batchId }) : ok(copy(batch));
      }),
    );
  }

  jobTallies(batchId: string): ResultAsync<BatchJobTally[], DatabaseUnavailable> {
    const run = async (): Promise<Result<BatchJobTally[], DatabaseUnavailable>> => {
      await Promise.resolve();
      const batch = this.batches.get(batchId);
      if (batch === undefined) return ok([]);
      const tallies = new Map<JobStatus, { count: number; percentSum: number }>();
      for (const jobId of batch.jobIds) {
        const found = await this.jobs.findById(jobId);
        if (found.isErr()) {
          if (found.error.type === 'JobNotFound') continue; // deleted since
          return err(found.error);
        }
        const job = found.value;
        if (job.batchId !== batchId) continue;
        const t = tallies.get(job.status) ?? { count: 0, percentSum: 0 };
        tallies.set(job.status, { count: t.count + 1, percentSum: t.percentSum + job.progress.percent });
      }
      return ok([...tallies].map(([status, t]) => ({ status, ...t })));
    };
    return new ResultAsync(run());
  }

  deleteByOwner(ownerId: string): ResultAsync<number, DatabaseUnavailable> {
    return new ResultAsync(
      Promise.resolve().then((): Result<number, DatabaseUnavailable> => {
        let deleted = 0;
        for (const [id, batch] of this.batches)
          if (batch.ownerId === ownerId) {
            this.batches.delete(id);
            deleted += 1;
          }
        return ok(deleted);
      }),
    );
  }
}
