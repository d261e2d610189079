import { errAsync } from 'neverthrow';
import { isAdmin } from '../domain/principal.js';
import { requestJobCancel } from './cancel-job.js';
import { recordAudit } from './record-audit.js';
/**
 * An admin cancels any user's job (`POST /system/jobs/{jobId}/cancel`), with the same rules as
 * {@link requestJobCancel}; records a `job.admin-cancelled` audit row.
 */
export class AdminCancelJob {
    deps;
    constructor(deps) {
        this.deps = deps;
    }
    /** @returns the job after the request; `Forbidden` unless the caller is an admin; `JobNotFound`. */
    execute(input) {
        const { principal } = input;
        if (!isAdmin(principal))
            return errAsync({
                type: 'Forbidden',
                reason: 'Cancelling another user’s job needs the admin role or the admin scope.',
            });
        return this.deps.jobs.findById(input.jobId).andThen((before) => requestJobCancel(this.deps, before, principal.userId).map(async (job) => {
            await recordAudit(this.deps.audit, this.deps.logger, {
                actorId: principal.userId,
                action: 'job.admin-cancelled',
                targetType: 'job',
                targetId: job.id,
                detail: { ownerId: job.ownerId, previousStatus: before.status, status: job.status },
                at: this.deps.clock.now(),
                ...(input.requestId !== undefined ? { requestId: input.requestId } : {}),
            });
            return job;
        }));
    }
}
//# sourceMappingURL=admin-cancel-job.js.map