import { errAsync, ResultAsync } from 'neverthrow';
import { isAdmin } from '../domain/principal.js';
/** Log entries read per job to find its attempts' errors. */
const EVENTS_PER_JOB = 500;
/**
 * The dead-letter view for admins (`GET /system/jobs/failed`): failed jobs of every user, newest
 * first, each with its last error, its attempts and the error of every attempt (read from the
 * job's log: retried failures, expired leases and the final failure).
 */
export class ListFailedJobs {
    deps;
    constructor(deps) {
        this.deps = deps;
    }
    /** @returns one page; `Forbidden` unless the caller is an admin; `InvalidCursor`. */
    execute(input) {
        if (!isAdmin(input.principal))
            return errAsync({
                type: 'Forbidden',
                reason: 'The dead-letter view needs the admin role or the admin scope.',
            });
        return this.deps.jobs
            .list({
            ownerId: null,
            statuses: ['failed'],
            sort: 'desc',
            limit: input.limit,
            ...(input.cursor !== undefined ? { cursor: input.cursor } : {}),
        })
            .andThen((page) => ResultAsync.combine(page.items.map((job) => this.attemptErrors(job))).map((errors) => ({
            items: page.items.map((job, i) => ({ job, attemptErrors: errors[i] ?? [] })),
            nextCursor: page.nextCursor,
        })));
    }
    attemptErrors(job) {
        return this.deps.events.list(job.id, { limit: EVENTS_PER_JOB, levels: ['warn', 'error'] }).map((page) => {
            // One entry per attempt: the last error logged for it (a stage may log before the attempt's end).
            const byAttempt = new Map();
            for (const event of page.items) {
                const attempt = event.data['attempt'];
                const error = asJobError(event.data['error']);
                if (typeof attempt === 'number' && error !== null)
                    byAttempt.set(attempt, { attempt, at: event.at, error });
            }
            return [...byAttempt.values()].sort((a, b) => a.attempt - b.attempt);
        });
    }
}
function asJobError(value) {
    if (typeof value !== 'object' || value === null)
        return null;
    const { code, message, retryable } = value;
    return typeof code === 'string' && typeof message === 'string'
        ? { code, message, retryable: retryable === true }
        : null;
}
//# sourceMappingURL=list-failed-jobs.js.map