import { errAsync, okAsync } from 'neverthrow';
import { announceQueuedJobs, prepareQueuedJob } from './queued-job.js';
/** Validates a VideoSpec and queues a job for it; wakes a worker. */
export class SubmitVideoJob {
    deps;
    constructor(deps) {
        this.deps = deps;
    }
    /** @returns the queued job, `InvalidVideoSpec` with field paths, or `DatabaseUnavailable`. */
    execute(input) {
        // Merge step: request > configuration > preferences (see prepare-video-spec.ts).
        const prepared = this.deps.prepareSpec?.execute(input.ownerId, input.spec) ?? okAsync(input.spec);
        return prepared.andThen((spec) => this.queue({ ...input, spec }));
    }
    queue(input) {
        const job = prepareQueuedJob(this.deps, input);
        if (job.isErr())
            return errAsync(job.error);
        return this.deps.jobs.insert(job.value).map(async (stored) => {
            await announceQueuedJobs(this.deps, [stored]);
            return stored;
        });
    }
}
//# sourceMappingURL=submit-video-job.js.map