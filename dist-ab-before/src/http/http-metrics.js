/** The `route` label of requests that matched no route (a fixed value: raw URLs are unbounded). */
export const UNMATCHED_ROUTE = '<unmatched>';
/**
 * Reports every answered request's duration to {@link Metrics}: method, route pattern (never the
 * raw URL, whose ids would make label values unbounded) and status code.
 */
export function registerHttpMetrics(app, metrics) {
    app.addHook('onResponse', (request, reply, done) => {
        metrics.httpRequestFinished(request.method, request.routeOptions.url ?? UNMATCHED_ROUTE, reply.statusCode, reply.elapsedTime / 1000);
        done();
    });
}
//# sourceMappingURL=http-metrics.js.map