import type { ResultAsync } from 'neverthrow';
import type { Batch, BatchJobTally, BatchNotFound } from '../domain/batch.js';
import type { Job } from '../domain/job.js';
import type { DatabaseUnavailable } from './errors.js';

/**
 * Durable store of batches. A batch's jobs live in the job store (their `batchId` names the
 * batch); this port writes them together with the batch and aggregates them by status.
 */
export interface BatchRepository {
  /**
   * Stores `batch` and its new `jobs` (each with `batchId` = `batch.id`) in one atomic step:
   * either all of them exist afterwards or none does.
   * @returns the stored batch.
   */
  insert(batch: Batch, jobs: readonly Job[]): ResultAsync<Batch, DatabaseUnavailable>;

  /** The batch with this id, any owner. */
  findById(batchId: string): ResultAsync<Batch, BatchNotFound | DatabaseUnavailable>;

  /**
   * The batch's existing jobs (those whose `batchId` is `batchId`) grouped by status, each group
   * with its count and the sum of its progress percents. Statuses without jobs may be omitted;
   * an unknown batch has no jobs (empty list).
   */
  jobTallies(batchId: string): ResultAsync<BatchJobTally[], DatabaseUnavailable>;

  /**
   * Deletes every batch of `ownerId` (the batch records only: their jobs are deleted through the
   * job store). Idempotent.
   * @returns how many batches were deleted (0 when the owner has none).
   */
  deleteByOwner(ownerId: string): ResultAsync<number, DatabaseUnavailable>;
}
