import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Container } from '../container/container.js';
import { T } from '../container/tokens.js';
import { sendProblem } from './problem.js';
import { prometheusRoutes } from './routes/prometheus.js';

/**
 * The HTTP listener of a worker-only process (`npm run worker` with `WORKER_METRICS_PORT`): the
 * worker records job stage and attempt durations, failures and queue waits in its own process,
 * so Prometheus scrapes each worker as it scrapes each API instance.
 * - `GET /metrics`: the Prometheus text format, with the API's access rules (`METRICS_TOKEN` as a
 *   Bearer token, or admin credentials; open without a token outside production).
 * - `GET /health/live`: 200 `{ "status": "up" }` while the process answers (liveness probe).
 * Anything else answers 404 problem+json (RFC 9457). Closing the app does not stop the container.
 */
export async function buildWorkerMetricsApp(container: Container): Promise<FastifyInstance> {
  const [config, logger, exposition, authenticateApiKey, authenticateSession] = await Promise.all([
    container.resolve(T.config),
    container.resolve(T.logger),
    container.resolve(T.metricsExposition),
    container.resolve(T.authenticateApiKey),
    container.resolve(T.authenticateSession),
  ]);
  const app = Fastify({
    loggerInstance: logger as unknown as FastifyBaseLogger,
    disableRequestLogging: true,
    trustProxy: false,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(async (root) =>
    prometheusRoutes(root, {
      exposition,
      token: config.metrics.token,
      openWithoutToken: config.env !== 'production',
      authenticateApiKey,
      authenticateSession,
    }),
  );
  app.get('/health/live', async () => ({ status: 'up' }));
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, {
      status: 404,
      code: 'ROUTE_NOT_FOUND',
      title: 'Not found',
      detail: `No route ${request.method} ${request.url.split('?')[0] ?? ''} on a worker (it serves /metrics and /health/live).`,
    }),
  );
  return app;
}
