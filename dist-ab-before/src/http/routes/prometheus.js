import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { isAdmin } from '../../domain/principal.js';
import { sendError } from '../problem.js';
import { Problem } from '../schemas.js';
const digest = (value) => createHash('sha256').update(value).digest();
const EXAMPLE = `# HELP framecast_jobs Jobs in the store by status (queue depth), read at scrape time.
# TYPE framecast_jobs gauge
framecast_jobs{status="queued"} 3
framecast_jobs{status="processing"} 1
# HELP framecast_http_request_duration_seconds HTTP request duration in seconds, by method, route pattern and status class (2xx...).
# TYPE framecast_http_request_duration_seconds histogram
framecast_http_request_duration_seconds_bucket{le="0.005",method="GET",route="/api/v1/videos/jobs/:jobId/status",status_class="2xx"} 97
`;
/**
 * `GET /metrics` in the Prometheus text format (outside `/api/v1`). Access: with `METRICS_TOKEN`
 * set, `Authorization: Bearer <token>` (compared in constant time) or admin credentials; without
 * it, admin credentials (`X-API-Key` or a session token) — or anyone outside production.
 */
export async function prometheusRoutes(app, deps) {
    const expected = deps.token === undefined ? null : digest(deps.token);
    const authorize = async (request, reply) => {
        const authorization = request.headers.authorization ?? '';
        const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
        if (expected !== null && bearer !== undefined && timingSafeEqual(digest(bearer), expected))
            return undefined;
        if (expected === null && deps.openWithoutToken)
            return undefined;
        const apiKeyHeader = request.headers['x-api-key'];
        const apiKey = Array.isArray(apiKeyHeader) ? apiKeyHeader[0] : apiKeyHeader;
        const authenticated = apiKey !== undefined && apiKey !== ''
            ? await deps.authenticateApiKey.execute(apiKey)
            : bearer !== undefined && deps.authenticateSession !== null
                ? await deps.authenticateSession.execute(bearer)
                : null;
        if (authenticated === null)
            return sendError(reply, {
                type: 'Unauthenticated',
                reason: expected === null ? 'admin credentials needed' : 'send the metrics token or admin credentials',
            });
        if (authenticated.isErr())
            return sendError(reply, authenticated.error);
        if (!isAdmin(authenticated.value))
            return sendError(reply, { type: 'Forbidden', reason: 'Metrics need the metrics token or an admin.' });
        return undefined;
    };
    app.withTypeProvider().get('/metrics', {
        config: { pressureExempt: true },
        onRequest: authorize,
        schema: {
            operationId: 'getPrometheusMetrics',
            tags: ['system'],
            summary: 'Metrics in the Prometheus text format',
            description: 'HTTP request durations by method, route pattern and status class; jobs by status (read at scrape time); job stage and attempt durations; failures by error code; queue waits; process and Node.js metrics. Access: `Authorization: Bearer <METRICS_TOKEN>` when the server has one, or admin credentials (`X-API-Key` / session token). Without `METRICS_TOKEN`, anyone may scrape outside production.',
            security: [{ metricsToken: [] }, { apiKey: [] }, { bearer: [] }],
            response: {
                200: z.string().meta({
                    description: 'Prometheus exposition format 0.0.4.',
                    'x-content-type': 'text/plain; version=0.0.4; charset=utf-8',
                    example: EXAMPLE,
                }),
                401: Problem,
                403: Problem,
            },
        },
    }, async (_request, reply) => {
        const body = await deps.exposition.render();
        return reply.type(deps.exposition.contentType).header('cache-control', 'no-store').send(body);
    });
}
//# sourceMappingURL=prometheus.js.map