import { errAsync } from 'neverthrow';
import { findOwnedJob } from './find-owned-job.js';
import { jobStatusCacheKey } from './get-job-status.js';
import { recordAudit } from './record-audit.js';
/**
 * Deletes one of the caller's jobs that is queued or finished: first its stored files (every
 * object under `{storagePrefix}/{ownerId}/{jobId}/`), then the job row (conditional on the
 * version read, so a job claimed meanwhile is kept and `VersionConflict` answered) and its log.
 * Files go first so that a storage outage leaves the job in place to delete again later.
 * A processing job answers `JobProcessing`: cancel it first. Records a `job.deleted` audit row.
 */
export class DeleteJob {
    deps;
    constructor(deps) {
        this.deps = deps;
    }
    execute(input) {
        const { jobs, events, storage, cache, audit, clock, logger, settings } = this.deps;
        return findOwnedJob(jobs, input.principal, input.jobId).andThen((job) => {
            if (job.status === 'processing')
                return errAsync({ type: 'JobProcessing', jobId: job.id });
            const prefix = `${settings.storagePrefix}/${job.ownerId}/${job.id}/`;
            return storage
                .deletePrefix(prefix)
                .andThen((deletedObjects) => jobs.delete(job.id, job.version).map(() => deletedObjects))
                .map(async (deletedObjects) => {
                const removed = await events.deleteForJob(job.id);
                if (removed.isErr())
                    logger.warn({ jobId: job.id, err: removed.error.message }, 'job log not deleted');
                await cache.delete(jobStatusCacheKey(job.id));
                await recordAudit(audit, logger, {
                    actorId: input.principal.userId,
                    action: 'job.deleted',
                    targetType: 'job',
                    targetId: job.id,
                    detail: { ownerId: job.ownerId, status: job.status, deletedObjects },
                    at: clock.now(),
                    ...(input.requestId !== undefined ? { requestId: input.requestId } : {}),
                });
                return { jobId: job.id, deletedObjects };
            });
        });
    }
}
//# sourceMappingURL=delete-job.js.map