import { errAsync, okAsync } from 'neverthrow';
import { summarizeBatch } from '../domain/batch.js';
import { owns } from '../domain/principal.js';
/**
 * The batch `batchId` if `principal` owns it. Another user's batch answers `BatchNotFound`,
 * exactly like a missing one, so ids cannot be probed.
 */
export function findOwnedBatch(batches, principal, batchId) {
    return batches
        .findById(batchId)
        .andThen((batch) => owns(principal, batch.ownerId)
        ? okAsync(batch)
        : errAsync({ type: 'BatchNotFound', batchId }));
}
/** `batch` with its jobs counted by status and its overall progress, as stored now. */
export function viewBatch(batches, batch) {
    return batches.jobTallies(batch.id).map((tallies) => ({ batch, summary: summarizeBatch(tallies) }));
}
//# sourceMappingURL=find-owned-batch.js.map