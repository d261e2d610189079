import { findOwnedBatch, viewBatch } from './find-owned-batch.js';
/** The caller's batch with its jobs counted by status and its overall progress. */
export class GetBatch {
    deps;
    constructor(deps) {
        this.deps = deps;
    }
    /** @returns the batch view, or `BatchNotFound` (also for another user's batch). */
    execute(input) {
        return findOwnedBatch(this.deps.batches, input.principal, input.batchId).andThen((batch) => viewBatch(this.deps.batches, batch));
    }
}
//# sourceMappingURL=get-batch.js.map