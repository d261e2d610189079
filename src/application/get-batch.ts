import type { ResultAsync } from 'neverthrow';
import type { BatchNotFound } from '../domain/batch.js';
import type { Principal } from '../domain/principal.js';
import type { BatchRepository } from '../ports/batch-repository.js';
import type { DatabaseUnavailable } from '../ports/errors.js';
import { findOwnedBatch, viewBatch, type BatchView } from './find-owned-batch.js';

export type GetBatchError = BatchNotFound | DatabaseUnavailable;

/** The caller's batch with its jobs counted by status and its overall progress. */
export class GetBatch {
  constructor(private readonly deps: { readonly batches: BatchRepository }) {}

  /** @returns the batch view, or `BatchNotFound` (also for another user's batch). */
  execute(input: { principal: Principal; batchId: string }): ResultAsync<BatchView, GetBatchError> {
    return findOwnedBatch(this.deps.batches, input.principal, input.batchId).andThen((batch) =>
      viewBatch(this.deps.batches, batch),
    );
  }
}
