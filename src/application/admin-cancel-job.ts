import { errAsync, type ResultAsync } from 'neverthrow';
import type { Job } from '../domain/job.js';
import { isAdmin, type Principal } from '../domain/principal.js';
import type { AuditLog } from '../ports/audit-log.js';
import type { Logger } from '../ports/logger.js';
import { requestJobCancel, type CancelDeps, type CancelJobError } from './cancel-job.js';
import type { Forbidden } from './errors.js';
import { recordAudit } from './record-audit.js';

export type AdminCancelJobError = Forbidden | CancelJobError;

/**
 * An admin cancels any user's job (`POST /system/jobs/{jobId}/cancel`), with the same rules as
 * {@link requestJobCancel}; records a `job.admin-cancelled` audit row.
 */
export class AdminCancelJob {
  constructor(private readonly deps: CancelDeps & { readonly audit: AuditLog; readonly logger: Logger }) {}

  /** @returns the job after the request; `Forbidden` unless the caller is an admin; `JobNotFound`. */
  execute(input: {
    principal: Principal;
    jobId: string;
    requestId?: string;
  }): ResultAsync<Job, AdminCancelJobError> {
    const { principal } = input;
    if (!isAdmin(principal))
      return errAsync({
        type: 'Forbidden',
        reason: 'Cancelling another user’s job needs the admin role or the admin scope.',
      });
    return this.deps.jobs.findById(input.jobId).andThen((before) =>
      requestJobCancel(this.deps, before, principal.userId).map(async (job) => {
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
      }),
    );
  }
}
