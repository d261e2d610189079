import { errAsync } from 'neverthrow';
import { checkBatchSize, createBatch, parseBatchName, summarizeBatch, } from '../domain/batch.js';
import { announceQueuedJobs, prepareQueuedJob } from './queued-job.js';
/**
 * Queues several independent jobs as one batch. Every spec is validated before anything is
 * stored: one invalid spec refuses the whole batch, with paths such as `jobs.3.topic`. The batch
 * and its queued jobs are stored atomically, then workers are woken. Each job then runs on its
 * own: one job's failure leaves the others running.
 */
export class SubmitBatch {
    deps;
    constructor(deps) {
        this.deps = deps;
    }
    /**
     * @returns the stored batch with its counts (every job queued); `BatchTooLarge` above
     *   `maxJobsPerBatch` specs; `InvalidBatch` listing every problem (`jobs`, `name`,
     *   `jobs.<index>.<field>`); or `DatabaseUnavailable`.
     */
    execute(input) {
        const { maxJobsPerBatch } = this.deps.settings;
        const size = checkBatchSize(input.jobs.length, maxJobsPerBatch);
        if (size.isErr())
            return errAsync(size.error);
        const name = parseBatchName(input.name);
        const issues = name.isErr() ? [name.error] : [];
        const batchId = this.deps.ids.next();
        const jobs = [];
        input.jobs.forEach((spec, index) => {
            const { priority, ...fields } = spec;
            const job = prepareQueuedJob(this.deps, {
                ownerId: input.ownerId,
                spec: fields,
                ...(priority !== undefined ? { priority } : {}),
                batchId,
            });
            if (job.isErr())
                issues.push(...job.error.issues.map((i) => ({ path: `jobs.${index}.${i.path}`, message: i.message })));
            else
                jobs.push(job.value);
        });
        if (issues.length > 0)
            return errAsync({ type: 'InvalidBatch', issues });
        const batch = createBatch({
            id: batchId,
            ownerId: input.ownerId,
            name: input.name,
            jobIds: jobs.map((j) => j.id),
            maxJobs: maxJobsPerBatch,
            now: this.deps.clock.now(),
        });
        if (batch.isErr())
            return errAsync(batch.error);
        return this.deps.batches.insert(batch.value, jobs).map(async (stored) => {
            await announceQueuedJobs(this.deps, jobs, { batchId: stored.id });
            this.deps.logger.info({ batchId: stored.id, jobs: jobs.length }, 'batch queued');
            return {
                batch: stored,
                summary: summarizeBatch([{ status: 'queued', count: jobs.length, percentSum: 0 }]),
            };
        });
    }
}
//# sourceMappingURL=submit-batch.js.map