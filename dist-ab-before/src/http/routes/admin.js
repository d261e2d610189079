import { principalOf, requireAdmin } from '../auth.js';
import { AdminJobListQuery, AdminJobListResponse } from '../job-management-schemas.js';
import { presentJob } from '../job-presenter.js';
import { sendError } from '../problem.js';
import { JobIdParams, JobResponse, Problem } from '../schemas.js';
import { jobFilters } from './jobs.js';
const security = [{ apiKey: [] }, { bearer: [] }];
/** `/system/jobs...`: admin views of every user's jobs (role `admin` or scope `admin`; audited). */
export async function adminRoutes(app, deps) {
    const r = app.withTypeProvider();
    r.get('/system/jobs', {
        schema: {
            operationId: 'listAllJobs',
            tags: ['system'],
            summary: 'List every user’s jobs (admin)',
            description: 'Every user’s jobs (or one user’s with `ownerId`), with the filters and keyset pages of GET /jobs. ' +
                'Needs role `admin` or scope `admin` (403 otherwise). Each call is recorded in the audit log.',
            security,
            querystring: AdminJobListQuery,
            response: { 200: AdminJobListResponse, 401: Problem, 403: Problem, 422: Problem, 503: Problem },
        },
    }, async (request, reply) => {
        if (!requireAdmin(request, reply))
            return reply;
        const { ownerId, ...query } = request.query;
        const result = await deps.listAllJobs.execute({
            principal: principalOf(request),
            requestId: request.id,
            ...(ownerId !== undefined ? { ownerId } : {}),
            ...jobFilters(query),
        });
        if (result.isErr())
            return sendError(reply, result.error);
        return {
            items: result.value.items.map((job) => ({ ...presentJob(job), ownerId: job.ownerId })),
            nextCursor: result.value.nextCursor,
        };
    });
    r.post('/system/jobs/:jobId/cancel', {
        schema: {
            operationId: 'adminCancelJob',
            tags: ['system'],
            summary: 'Cancel any user’s job (admin)',
            description: 'Cancels a queued job at once (200) or asks the worker to stop a processing one (202), whoever owns it; ' +
                'a finished job answers 409. Needs role `admin` or scope `admin` (403 otherwise). Recorded in the audit log.',
            security,
            params: JobIdParams,
            response: {
                200: JobResponse,
                202: JobResponse,
                401: Problem,
                403: Problem,
                404: Problem,
                409: Problem,
                503: Problem,
            },
        },
    }, async (request, reply) => {
        if (!requireAdmin(request, reply))
            return reply;
        const result = await deps.adminCancelJob.execute({
            principal: principalOf(request),
            jobId: request.params.jobId,
            requestId: request.id,
        });
        if (result.isErr())
            return sendError(reply, result.error);
        return reply.code(result.value.status === 'cancelled' ? 200 : 202).send(presentJob(result.value));
    });
}
//# sourceMappingURL=admin.js.map