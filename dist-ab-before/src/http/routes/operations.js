import { requireAdmin } from '../auth.js';
import { ContainerResponse, QueueStatusResponse, SystemMetricsResponse } from '../operations-schemas.js';
import { sendError } from '../problem.js';
import { Problem } from '../schemas.js';
const security = [{ apiKey: [] }, { bearer: [] }];
const adminErrors = { 401: Problem, 403: Problem };
const ADMIN_NOTE = ' Admins only (role `admin` or API-key scope `admin`): 403 for other callers.';
/** Admin operations views: `/system/metrics`, `/system/queue-status`, `/system/container`. */
export async function operationsRoutes(app, deps) {
    const r = app.withTypeProvider();
    r.get('/system/metrics', {
        schema: {
            operationId: 'getSystemMetrics',
            tags: ['system'],
            summary: 'Queue depth, throughput, processing times and resource use',
            description: 'Jobs by status; jobs finished in the last hour with the p50/p95 of their processing time (from first start to finish) and the completion rate, computed by the database; this process’s RSS, heap, event-loop delay p99, load average and uptime. For Prometheus use `GET /metrics`.' +
                ADMIN_NOTE,
            security,
            response: { 200: SystemMetricsResponse, ...adminErrors, 503: Problem },
        },
    }, async (request, reply) => {
        if (!requireAdmin(request, reply))
            return reply;
        const result = await deps.getSystemMetrics.execute();
        if (result.isErr())
            return sendError(reply, result.error);
        const m = result.value;
        return {
            generatedAt: m.jobs.asOf.toISOString(),
            queueDepth: m.queueDepth,
            jobs: {
                windowSeconds: m.jobs.windowMs / 1000,
                finished: m.jobs.finished,
                completedPerHour: m.jobs.completedPerHour,
                completedPerMinute: m.jobs.completedPerMinute,
                processingSeconds: m.jobs.processingSeconds,
            },
            process: { ...m.process, loadAverage: [...m.process.loadAverage] },
        };
    });
    r.get('/system/queue-status', {
        schema: {
            operationId: 'getQueueStatus',
            tags: ['system'],
            summary: 'The queue right now',
            description: 'Counts by status, the age of the oldest queued job, queued jobs runnable now versus delayed by a retry backoff, the running jobs with their lease owners and expiry, and the active workers (distinct lease owners). Measured on the database clock.' +
                ADMIN_NOTE,
            security,
            response: { 200: QueueStatusResponse, ...adminErrors, 503: Problem },
        },
    }, async (request, reply) => {
        if (!requireAdmin(request, reply))
            return reply;
        const result = await deps.getQueueStatus.execute();
        if (result.isErr())
            return sendError(reply, result.error);
        const q = result.value;
        const iso = (d) => (d === null ? null : d.toISOString());
        return {
            asOf: q.asOf.toISOString(),
            counts: q.counts,
            oldestQueuedAgeSeconds: q.oldestQueuedAgeSeconds,
            queued: { runnable: q.runnable, delayed: q.delayed },
            running: q.running.map((j) => ({
                jobId: j.jobId,
                ownerId: j.ownerId,
                attempt: j.attempt,
                workerId: j.workerId,
                leaseExpiresAt: iso(j.leaseExpiresAt),
                leaseExpiresInSeconds: j.leaseExpiresInSeconds,
                stage: j.stage,
                percent: j.percent,
                startedAt: iso(j.startedAt),
            })),
            activeWorkers: { count: q.activeWorkers.length, ids: [...q.activeWorkers] },
        };
    });
    r.get('/system/container', {
        schema: {
            operationId: 'describeContainer',
            tags: ['system'],
            summary: 'The dependency-injection container',
            description: 'Every registration with its lifetime, state (registered, starting, started, stopping, stopped, failed), start duration in ms and the tokens it depends on.' +
                ADMIN_NOTE,
            security,
            response: { 200: ContainerResponse, ...adminErrors },
        },
    }, async (request, reply) => {
        if (!requireAdmin(request, reply))
            return reply;
        return {
            registrations: deps.describeContainer().map((r) => ({ ...r, dependencies: [...r.dependencies] })),
        };
    });
}
//# sourceMappingURL=operations.js.map