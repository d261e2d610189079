import { errAsync, type ResultAsync } from 'neverthrow';
import { isAdmin, type Principal } from '../domain/principal.js';
import type { AuditLog } from '../ports/audit-log.js';
import type { Clock } from '../ports/clock.js';
import type { DatabaseUnavailable, InvalidCursor } from '../ports/errors.js';
import type { JobPage, JobRepository } from '../ports/job-repository.js';
import type { Logger } from '../ports/logger.js';
import type { Forbidden } from './errors.js';
import { toQuery, type JobFilters } from './list-jobs.js';
import { recordAudit } from './record-audit.js';

export type ListAllJobsError = Forbidden | InvalidCursor | DatabaseUnavailable;

/** Admin view of every user's jobs (`GET /system/jobs`), optionally one owner's; audited. */
export class ListAllJobs {
  constructor(
    private readonly deps: {
      readonly jobs: JobRepository;
      readonly audit: AuditLog;
      readonly clock: Clock;
      readonly logger: Logger;
    },
  ) {}

  /** @returns the page; `Forbidden` unless the caller has role `admin` or scope `admin`. */
  execute(
    input: { principal: Principal; ownerId?: string; requestId?: string } & JobFilters,
  ): ResultAsync<JobPage, ListAllJobsError> {
    const { principal, ownerId, requestId, ...filters } = input;
    if (!isAdmin(principal))
      return errAsync({
        type: 'Forbidden',
        reason: 'Listing every job needs the admin role or the admin scope.',
      });
    return this.deps.jobs.list(toQuery(ownerId ?? null, filters)).map(async (page) => {
      await recordAudit(this.deps.audit, this.deps.logger, {
        actorId: principal.userId,
        action: 'jobs.admin-listed',
        targetType: 'jobs',
        targetId: null,
        detail: {
          filters: {
            ...(ownerId !== undefined ? { ownerId } : {}),
            ...(filters.statuses !== undefined ? { statuses: [...filters.statuses] } : {}),
            ...(filters.batchId !== undefined ? { batchId: filters.batchId } : {}),
            ...(filters.createdAfter !== undefined
              ? { createdAfter: filters.createdAfter.toISOString() }
              : {}),
            ...(filters.createdBefore !== undefined
              ? { createdBefore: filters.createdBefore.toISOString() }
              : {}),
            sort: filters.sort ?? 'desc',
            paged: filters.cursor !== undefined,
          },
          returned: page.items.length,
        },
        at: this.deps.clock.now(),
        ...(requestId !== undefined ? { requestId } : {}),
      });
      return page;
    });
  }
}
