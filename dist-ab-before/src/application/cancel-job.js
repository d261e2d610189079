import { okAsync } from 'neverthrow';
import { requestCancel } from '../domain/job.js';
import { findOwnedJob } from './find-owned-job.js';
import { mutateJob } from './mutate-job.js';
/**
 * Asks to cancel job `jobId` (domain `requestCancel`) and tells its watchers: a queued job is
 * `cancelled` at once; a processing job keeps running with `cancelRequestedAt` set until its
 * worker notices (at its next progress write or heartbeat, about every 0.5 s), kills the render,
 * stores nothing and confirms `cancelled`. Asking again while the cancel is pending changes
 * nothing. A finished job answers `IllegalJobTransition`.
 *
 * @param by user id of who asked (kept in the job's log).
 */
export function requestJobCancel(deps, job, by) {
    if (job.status === 'processing' && job.cancelRequestedAt !== null)
        return okAsync(job);
    return mutateJob(deps.jobs, job.id, (j) => requestCancel(j, deps.clock.now())).map(async (changed) => {
        const done = changed.status === 'cancelled';
        await deps.activity.record(changed, 'info', 'lifecycle', done ? 'Job cancelled' : 'Cancel requested; the worker stops the render', { event: done ? 'cancelled' : 'cancel-requested', by });
        return changed;
    });
}
/** Cancels one of the caller's jobs (`POST /jobs/{jobId}/cancel`); see {@link requestJobCancel}. */
export class CancelJob {
    deps;
    constructor(deps) {
        this.deps = deps;
    }
    /**
     * @returns the job after the request: `cancelled`, or `processing` with a pending cancel;
     *   `JobNotFound` (also for another user's job), `IllegalJobTransition` for a finished job.
     */
    execute(input) {
        return findOwnedJob(this.deps.jobs, input.principal, input.jobId).andThen((job) => requestJobCancel(this.deps, job, input.principal.userId));
    }
}
//# sourceMappingURL=cancel-job.js.map