import { errAsync } from 'neverthrow';
import { isAdmin } from '../domain/principal.js';
import { toQuery } from './list-jobs.js';
import { recordAudit } from './record-audit.js';
/** Admin view of every user's jobs (`GET /system/jobs`), optionally one owner's; audited. */
export class ListAllJobs {
    deps;
    constructor(deps) {
        this.deps = deps;
    }
    /** @returns the page; `Forbidden` unless the caller has role `admin` or scope `admin`. */
    execute(input) {
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
//# sourceMappingURL=list-all-jobs.js.map