import { errAsync, okAsync } from 'neverthrow';
import { owns } from '../domain/principal.js';
/**
 * The job `jobId` if `principal` owns it. Another user's job answers `JobNotFound`, exactly like
 * a missing one, so ids cannot be probed.
 */
export function findOwnedJob(jobs, principal, jobId) {
    return jobs
        .findById(jobId)
        .andThen((job) => owns(principal, job.ownerId) ? okAsync(job) : errAsync({ type: 'JobNotFound', jobId }));
}
//# sourceMappingURL=find-owned-job.js.map