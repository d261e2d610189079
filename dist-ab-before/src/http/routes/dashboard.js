import { principalOf } from '../auth.js';
import { DashboardStatsResponse, RecentJobsQuery, RecentJobsResponse } from '../job-management-schemas.js';
import { presentJob } from '../job-presenter.js';
import { sendError } from '../problem.js';
import { Problem } from '../schemas.js';
const security = [{ apiKey: [] }, { bearer: [] }];
/** `/dashboard/...`: figures and recent jobs of the caller, for a front end. */
export async function dashboardRoutes(app, deps) {
    const r = app.withTypeProvider();
    r.get('/dashboard/stats', {
        schema: {
            operationId: 'getDashboardStats',
            tags: ['dashboard'],
            summary: 'Statistics of the caller’s jobs',
            description: 'Counts by status, jobs active now, completed in the last 24 hours, success rate, mean and 95th-percentile ' +
                'processing seconds and stored bytes, computed by the database.',
            security,
            response: { 200: DashboardStatsResponse, 401: Problem, 503: Problem },
        },
    }, async (request, reply) => {
        const result = await deps.getDashboardStats.execute({ principal: principalOf(request) });
        if (result.isErr())
            return sendError(reply, result.error);
        return result.value;
    });
    r.get('/dashboard/recent-jobs', {
        schema: {
            operationId: 'listRecentJobs',
            tags: ['dashboard'],
            summary: 'The caller’s newest jobs',
            description: 'The last `limit` jobs (default 10, at most 50), newest first. For more, page through GET /jobs.',
            security,
            querystring: RecentJobsQuery,
            response: { 200: RecentJobsResponse, 401: Problem, 422: Problem, 503: Problem },
        },
    }, async (request, reply) => {
        const result = await deps.listRecentJobs.execute({
            principal: principalOf(request),
            limit: request.query.limit,
        });
        if (result.isErr())
            return sendError(reply, result.error);
        return { items: result.value.map((job) => presentJob(job)) };
    });
}
//# sourceMappingURL=dashboard.js.map