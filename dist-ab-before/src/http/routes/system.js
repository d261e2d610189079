import { z } from 'zod';
import { HealthResponse, Problem } from '../schemas.js';
/** Overall status: down if a critical check is down, degraded if any check is not up. */
export function overallStatus(checks) {
    const values = Object.values(checks);
    if (values.some((c) => c.critical && c.status === 'down'))
        return 'down';
    return values.every((c) => c.status === 'up') ? 'up' : 'degraded';
}
/** `/system/health` and the orchestrator probes. */
export async function systemRoutes(app, deps) {
    const r = app.withTypeProvider();
    const report = async () => {
        const checks = await deps.checkHealth();
        return {
            status: overallStatus(checks),
            checks,
            uptimeSeconds: Math.round((Date.now() - deps.startedAt) / 1000),
            version: deps.version,
        };
    };
    r.get('/system/health', {
        // Answers under backpressure too: its `Pressure` check reports the readings.
        config: { pressureExempt: true },
        schema: {
            operationId: 'getSystemHealth',
            tags: ['system'],
            summary: 'Health of every dependency',
            description: 'Database, storage, renderer binaries, disk space and worker. 200 when no critical dependency is down, 503 otherwise.',
            security: [{ apiKey: [] }, { bearer: [] }],
            response: { 200: HealthResponse, 401: Problem, 503: HealthResponse },
        },
    }, async (_request, reply) => {
        const body = await report();
        return reply.code(body.status === 'down' ? 503 : 200).send(body);
    });
    r.get('/system/health/live', {
        config: { public: true, rateLimit: false },
        schema: {
            operationId: 'getLiveness',
            tags: ['system'],
            summary: 'Liveness probe',
            description: 'Answers 200 while the process runs and its event loop turns. No credentials needed.',
            security: [],
            response: { 200: z.object({ status: z.literal('up') }).meta({ example: { status: 'up' } }) },
        },
    }, async () => ({ status: 'up' }));
    r.get('/system/health/ready', {
        config: { public: true, rateLimit: false },
        schema: {
            operationId: 'getReadiness',
            tags: ['system'],
            summary: 'Readiness probe',
            description: 'Answers 200 when the service has started and its critical dependencies answer, 503 otherwise. No credentials needed.',
            security: [],
            response: { 200: HealthResponse, 503: HealthResponse },
        },
    }, async (_request, reply) => {
        const body = await report();
        const ready = deps.isReady() && body.status !== 'down';
        return reply.code(ready ? 200 : 503).send(ready ? body : { ...body, status: 'down' });
    });
}
//# sourceMappingURL=system.js.map