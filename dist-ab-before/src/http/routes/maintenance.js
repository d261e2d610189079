import { principalOf, requireAdmin } from '../auth.js';
import { DeletedUserDataResponse, FailedJobListResponse, FailedJobsQuery, UserIdParams, } from '../maintenance-schemas.js';
import { sendError } from '../problem.js';
import { Problem } from '../schemas.js';
const security = [{ apiKey: [] }, { bearer: [] }];
const ADMIN_NOTE = ' Admins only (role `admin` or API-key scope `admin`): 403 for other callers.';
/** Admin maintenance: the dead-letter view and user data deletion. */
export async function maintenanceRoutes(app, deps) {
    const r = app.withTypeProvider();
    r.get('/system/jobs/failed', {
        schema: {
            operationId: 'listFailedJobs',
            tags: ['system'],
            summary: 'Dead-letter view: failed jobs with every attempt’s error',
            description: 'Every user’s failed jobs, newest first (keyset pages), each with its last error, its attempts and the error of every attempt (retried failures, expired leases, the final failure) from the job’s log. Retry one with `POST /jobs/{jobId}/retry` as its owner.' +
                ADMIN_NOTE,
            security,
            querystring: FailedJobsQuery,
            response: { 200: FailedJobListResponse, 401: Problem, 403: Problem, 422: Problem, 503: Problem },
        },
    }, async (request, reply) => {
        if (!requireAdmin(request, reply))
            return reply;
        const result = await deps.listFailedJobs.execute({
            principal: principalOf(request),
            limit: request.query.limit,
            ...(request.query.cursor !== undefined ? { cursor: request.query.cursor } : {}),
        });
        if (result.isErr())
            return sendError(reply, result.error);
        return {
            items: result.value.items.map(({ job, attemptErrors }) => ({
                id: job.id,
                ownerId: job.ownerId,
                attempts: job.attempts,
                maxAttempts: job.maxAttempts,
                error: job.error,
                attemptErrors: attemptErrors.map((a) => ({
                    attempt: a.attempt,
                    at: a.at.toISOString(),
                    error: a.error,
                })),
                createdAt: job.createdAt.toISOString(),
                finishedAt: job.finishedAt?.toISOString() ?? null,
            })),
            nextCursor: result.value.nextCursor,
        };
    });
    r.delete('/system/users/:userId/data', {
        schema: {
            operationId: 'deleteUserData',
            tags: ['system'],
            summary: 'Delete all of a user’s data (admin)',
            description: 'Deletes every job of the user (running ones stop within a second), their logs and stored files, the user’s uploads and saved configurations. The account and its API keys remain. Idempotent: after a 503, call again. Recorded in the audit log.' +
                ADMIN_NOTE,
            security,
            params: UserIdParams,
            response: { 200: DeletedUserDataResponse, 401: Problem, 403: Problem, 422: Problem, 503: Problem },
        },
    }, async (request, reply) => {
        if (!requireAdmin(request, reply))
            return reply;
        const result = await deps.deleteUserData.execute({
            principal: principalOf(request),
            userId: request.params.userId,
            requestId: request.id,
        });
        if (result.isErr())
            return sendError(reply, result.error);
        return result.value;
    });
}
//# sourceMappingURL=maintenance.js.map