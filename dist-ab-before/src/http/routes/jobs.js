import { principalOf } from '../auth.js';
import { DeletedJobResponse, JobListQuery, JobListResponse, JobLogsQuery, JobLogsResponse, } from '../job-management-schemas.js';
import { presentEvent, presentJob } from '../job-presenter.js';
import { sendError } from '../problem.js';
import { JobIdParams, JobResponse, Problem } from '../schemas.js';
const security = [{ apiKey: [] }, { bearer: [] }];
/** Defined filters of a parsed job-list query, as use-case input. */
export function jobFilters(q) {
    return {
        sort: q.sort,
        limit: q.limit,
        ...(q.status !== undefined && q.status.length > 0 ? { statuses: q.status } : {}),
        ...(q.batchId !== undefined ? { batchId: q.batchId } : {}),
        ...(q.createdAfter !== undefined ? { createdAfter: q.createdAfter } : {}),
        ...(q.createdBefore !== undefined ? { createdBefore: q.createdBefore } : {}),
        ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
    };
}
/** `/jobs...`: list, cancel, retry and delete the caller's jobs; read a job's log. */
export async function jobRoutes(app, deps) {
    const r = app.withTypeProvider();
    r.get('/jobs', {
        schema: {
            operationId: 'listJobs',
            tags: ['jobs'],
            summary: 'List the caller’s jobs',
            description: 'The caller’s jobs, newest first by default, filtered by status (one or several), batch and creation time. ' +
                'Pages are keyset-based: follow `nextCursor` with the same filters; jobs created meanwhile never shift a page (no duplicates, no gaps). ' +
                'A bad filter value or a cursor this listing did not make answers 422 with the field.',
            security,
            querystring: JobListQuery,
            response: { 200: JobListResponse, 401: Problem, 422: Problem, 503: Problem },
        },
    }, async (request, reply) => {
        const result = await deps.listJobs.execute({
            principal: principalOf(request),
            ...jobFilters(request.query),
        });
        if (result.isErr())
            return sendError(reply, result.error);
        return { items: result.value.items.map((job) => presentJob(job)), nextCursor: result.value.nextCursor };
    });
    r.post('/jobs/:jobId/cancel', {
        schema: {
            operationId: 'cancelJob',
            tags: ['jobs'],
            summary: 'Cancel a queued or running job',
            description: 'A queued job is cancelled at once (200, status `cancelled`). A processing job answers 202 with ' +
                '`cancelRequested: true`: its worker kills the render within about a second, stores nothing and marks it ' +
                '`cancelled` (follow it on the status, SSE or WebSocket routes). Asking again changes nothing. ' +
                'A completed, failed or cancelled job answers 409.',
            security,
            params: JobIdParams,
            response: {
                200: JobResponse,
                202: JobResponse,
                401: Problem,
                404: Problem,
                409: Problem,
                503: Problem,
            },
        },
    }, async (request, reply) => {
        const result = await deps.cancelJob.execute({
            principal: principalOf(request),
            jobId: request.params.jobId,
        });
        if (result.isErr())
            return sendError(reply, result.error);
        return reply.code(result.value.status === 'cancelled' ? 200 : 202).send(presentJob(result.value));
    });
    r.post('/jobs/:jobId/retry', {
        schema: {
            operationId: 'retryJob',
            tags: ['jobs'],
            summary: 'Retry a failed or cancelled job',
            description: 'Queues a failed or cancelled job again with its attempts reset to zero and wakes a worker. ' +
                'A queued, processing or completed job answers 409.',
            security,
            params: JobIdParams,
            response: { 200: JobResponse, 401: Problem, 404: Problem, 409: Problem, 503: Problem },
        },
    }, async (request, reply) => {
        const result = await deps.retryJob.execute({
            principal: principalOf(request),
            jobId: request.params.jobId,
        });
        if (result.isErr())
            return sendError(reply, result.error);
        return presentJob(result.value);
    });
    r.delete('/jobs/:jobId', {
        schema: {
            operationId: 'deleteJob',
            tags: ['jobs'],
            summary: 'Delete a job, its log and its stored files',
            description: 'Deletes a queued or finished job: its video, thumbnail and subtitles, its log and the job itself. ' +
                'A processing job answers 409 `JOB_PROCESSING`: cancel it first, then delete it once it is cancelled. ' +
                'Storage trouble answers 503 and leaves the job in place. The deletion is recorded in the audit log.',
            security,
            params: JobIdParams,
            response: { 200: DeletedJobResponse, 401: Problem, 404: Problem, 409: Problem, 503: Problem },
        },
    }, async (request, reply) => {
        const result = await deps.deleteJob.execute({
            principal: principalOf(request),
            jobId: request.params.jobId,
            requestId: request.id,
        });
        if (result.isErr())
            return sendError(reply, result.error);
        return { id: result.value.jobId, deleted: true, deletedObjects: result.value.deletedObjects };
    });
    r.get('/jobs/:jobId/logs', {
        schema: {
            operationId: 'getJobLogs',
            tags: ['jobs'],
            summary: 'The log of a job',
            description: 'The job’s events (lifecycle steps, stages, warnings, errors), oldest first, one page at a time; ' +
                'filter by level. Follow `nextCursor` with the same filter.',
            security,
            params: JobIdParams,
            querystring: JobLogsQuery,
            response: { 200: JobLogsResponse, 401: Problem, 404: Problem, 422: Problem, 503: Problem },
        },
    }, async (request, reply) => {
        const { limit, cursor, level } = request.query;
        const result = await deps.getJobLogs.execute({
            principal: principalOf(request),
            jobId: request.params.jobId,
            limit,
            ...(cursor !== undefined ? { cursor } : {}),
            ...(level !== undefined && level.length > 0 ? { levels: level } : {}),
        });
        if (result.isErr())
            return sendError(reply, result.error);
        return { items: result.value.items.map(presentEvent), nextCursor: result.value.nextCursor };
    });
}
//# sourceMappingURL=jobs.js.map