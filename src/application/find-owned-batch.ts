import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import { summarizeBatch, type Batch, type BatchNotFound, type BatchSummary } from '../domain/batch.js';
import { owns, type Principal } from '../domain/principal.js';
import type { BatchRepository } from '../ports/batch-repository.js';
import type { DatabaseUnavailable } from '../ports/errors.js';

/** A batch with the aggregated state of its jobs. */
export interface BatchView {
  readonly batch: Batch;
  readonly summary: BatchSummary;
}

/**
 * The batch `batchId` if `principal` owns it. Another user's batch answers `BatchNotFound`,
 * exactly like a missing one, so ids cannot be probed.
 */
export function findOwnedBatch(
  batches: BatchRepository,
  principal: Principal,
  batchId: string,
): ResultAsync<Batch, BatchNotFound | DatabaseUnavailable> {
  return batches
    .findById(batchId)
    .andThen((batch) =>
      owns(principal, batch.ownerId) ? okAsync(batch) : errAsync({ type: 'BatchNotFound' as const, batchId }),
    );
}

/** `batch` with its jobs counted by status and its overall progress, as stored now. */
export function viewBatch(
  batches: BatchRepository,
  batch: Batch,
): ResultAsync<BatchView, DatabaseUnavailable> {
  return batches.jobTallies(batch.id).map((tallies) => ({ batch, summary: summarizeBatch(tallies) }));
}
