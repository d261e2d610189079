import { AsyncResource } from 'node:async_hooks';
/**
 * Runs each request inside the log context `{ reqId }`, so that every log line written while it
 * is handled — by use cases and adapters on the root logger too — carries the request id.
 *
 * Fastify runs `preValidation`, `preHandler` and the handler from the request stream's `end`
 * event, outside the context entered in `onRequest`; the context is re-entered there through an
 * `AsyncResource` (as @fastify/request-context does).
 */
export function registerRequestLogContext(app, logContext) {
    const resources = new WeakMap();
    app.addHook('onRequest', (request, _reply, done) => {
        logContext.run({ reqId: request.id }, () => {
            const resource = new AsyncResource('framecast.request');
            resources.set(request, resource);
            resource.runInAsyncScope(done, request.raw);
        });
    });
    app.addHook('preValidation', (request, _reply, done) => {
        const resource = resources.get(request);
        if (resource === undefined)
            done();
        else
            resource.runInAsyncScope(done, request.raw);
    });
}
//# sourceMappingURL=request-log-context.js.map