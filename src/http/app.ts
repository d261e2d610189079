import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyRateLimit, { type FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import {
  createJsonSchemaTransform,
  hasZodFastifySchemaValidationErrors,
  isResponseSerializationError,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import type { Container } from '../container/container.js';
import { T } from '../container/tokens.js';
import { registerAuth } from './auth.js';
import { registerBackpressure, registerCompression, registerCors } from './cross-cutting.js';
import { registerHttpMetrics } from './http-metrics.js';
import { lazyChildLoggerFactory } from './lazy-request-logger.js';
import { polishOpenApi } from './openapi.js';
import { registerRequestLogContext } from './request-log-context.js';
import { operationsRoutes } from './routes/operations.js';
import { prometheusRoutes } from './routes/prometheus.js';
import { docsRoutes } from './docs.js';
import { API_PREFIX } from './job-presenter.js';
import { sendProblem } from './problem.js';
import { precomputeSecurityHeaders } from './security-headers.js';
import { liveRoutes } from './routes/live.js';
import { maintenanceRoutes } from './routes/maintenance.js';
import { wsRoutes } from './routes/ws.js';
import { systemRoutes, type DependencyHealth } from './routes/system.js';
import { batchRoutes } from './routes/batches.js';
import { videoRoutes } from './routes/videos.js';
import { configurationRoutes } from './routes/configurations.js';
import { uploadRoutes } from './routes/uploads.js';
import { adminRoutes } from './routes/admin.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { jobRoutes } from './routes/jobs.js';
import { userRoutes } from './routes/users.js';

/** Health checks whose failure makes the service unready (503). */
const CRITICAL = new Set(['Database', 'ObjectStorage', 'DiskSpace']);
/** Only these registrations are reported by `/system/health`. */
const REPORTED = new Set([
  'Database',
  'ObjectStorage',
  'VideoRenderer',
  'DiskSpace',
  'Worker',
  'JobEvents',
  'WorkSignal',
  'Redis',
  'Cache',
]);

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function packageVersion(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const dir of ['../..', '../../..']) {
    try {
      return (
        JSON.parse(readFileSync(path.resolve(here, dir, 'package.json'), 'utf8')) as { version: string }
      ).version;
    } catch {
      // try the next candidate
    }
  }
  return '0.0.0';
}

export interface BuildAppOptions {
  /** Reports whether start-up finished and shutdown has not begun (readiness). */
  readonly isReady?: () => boolean;
}

/**
 * Builds the Fastify application (the HTTP driving adapter) from a container whose
 * registrations are in place. Used by the server and by tests (`app.inject`). Closing the app
 * stops the container.
 */
export async function buildApp(
  container: Container,
  options: BuildAppOptions = {},
): Promise<FastifyInstance> {
  const config = await container.resolve(T.config);
  const logger = await container.resolve(T.logger);
  const app = Fastify({
    loggerInstance: logger as unknown as FastifyBaseLogger,
    bodyLimit: config.http.bodyLimitBytes,
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    routerOptions: { ignoreTrailingSlash: true },
    trustProxy: false,
    // request.log makes its pino child only when it writes (bench/api.ts).
    childLoggerFactory: lazyChildLoggerFactory,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerRequestLogContext(app, await container.resolve(T.logContext));
  registerHttpMetrics(app, await container.resolve(T.metrics));

  // X-Request-Id and @fastify/helmet's headers (computed once: the plugin rebuilds them on every
  // request), in one synchronous hook (bench/api.ts).
  const securityHeaders = await precomputeSecurityHeaders({
    contentSecurityPolicy: {
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'", "'unsafe-inline'"],
        'style-src': ["'self'", "'unsafe-inline'", 'https:'],
        'img-src': ["'self'", 'data:', 'blob:'],
        'font-src': ["'self'", 'data:', 'https:'],
        'worker-src': ["'self'", 'blob:'],
        'connect-src': ["'self'"],
        'upgrade-insecure-requests': null,
      },
    },
    crossOriginEmbedderPolicy: false,
  });
  app.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id).headers(securityHeaders);
    done();
  });
  await registerCors(app, config.cors.origins);
  await registerCompression(app);
  const pressureHealth = await registerBackpressure(app, config.pressure);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Framecast API',
        version: packageVersion(),
        description:
          'Turn a topic and some context into a narrated educational MP4 through a durable job. Errors are RFC 9457 problem details (`application/problem+json`).',
      },
      servers: [{ url: '/' }],
      tags: [
        { name: 'videos', description: 'Generate videos and follow their jobs' },
        { name: 'system', description: 'Health and operations' },
        {
          name: 'uploads',
          description: 'Images, audio and documents for your videos (RAG sources, logo, background, music)',
        },
        { name: 'configurations', description: 'Saved generation presets' },
        { name: 'jobs', description: 'List, cancel, retry and delete your jobs; read their logs' },
        { name: 'users', description: 'Your profile, statistics and preferences' },
        { name: 'dashboard', description: 'Figures and recent jobs for a front end' },
      ],
      components: {
        securitySchemes: {
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'A Framecast API key.' },
          bearer: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description: 'A Clerk session token (when the server is configured with Clerk).',
          },
          metricsToken: {
            type: 'http',
            scheme: 'bearer',
            description: 'The `METRICS_TOKEN` of the server, for Prometheus scrapers (`GET /metrics` only).',
          },
        },
      },
    },
    transform: createJsonSchemaTransform({
      skipList: ['/openapi.json', '/redoc', '/redoc/redoc.standalone.js'],
    }),
    transformObject: (documentObject) => polishOpenApi(jsonSchemaTransformObject(documentObject)),
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const location = (error.validationContext ?? 'body') as 'body' | 'querystring' | 'params' | 'headers';
      const errors = error.validation.map((v) => ({
        path: v.instancePath.replace(/^\//, '').replace(/\//g, '.') || location,
        message: v.message ?? 'is invalid',
        location,
      }));
      return sendProblem(reply, {
        status: 422,
        code: 'VALIDATION_FAILED',
        title: 'Validation failed',
        detail: `The request has ${errors.length} invalid field${errors.length === 1 ? '' : 's'} in ${location}.`,
        errors,
      });
    }
    if (isResponseSerializationError(error)) {
      request.log.error({ err: error, issues: error.cause.issues }, 'response did not match its schema');
      return sendProblem(reply, { status: 500, code: 'INTERNAL_ERROR', title: 'Internal server error' });
    }
    const status = error.statusCode ?? 500;
    if (error.code === 'RATE_LIMIT_UNAVAILABLE') {
      return sendProblem(reply, {
        status: 503,
        code: 'RATE_LIMIT_UNAVAILABLE',
        title: 'Service unavailable',
        detail: 'Rate limits cannot be checked right now; try again shortly.',
        headers: { 'retry-after': '1' },
      });
    }
    if (status >= 400 && status < 500) {
      return sendProblem(reply, {
        status,
        code: error.code?.startsWith('FST_') ? httpCode(status) : (error.code ?? httpCode(status)),
        title: titleFor(status),
        detail: error.message,
      });
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(reply, {
      status: 500,
      code: 'INTERNAL_ERROR',
      title: 'Internal server error',
      detail: `Something went wrong; quote request id ${request.id} when reporting it.`,
    });
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, {
      status: 404,
      code: 'ROUTE_NOT_FOUND',
      title: 'Not found',
      detail: `No route ${request.method} ${request.url.split('?')[0] ?? ''}.`,
    }),
  );

  const [
    submitVideoJob,
    getJobStatus,
    getJobMetadata,
    openJobAsset,
    authenticateApiKey,
    authenticateSession,
    watchJob,
  ] = await Promise.all([
    container.resolve(T.submitVideoJob),
    container.resolve(T.getJobStatus),
    container.resolve(T.getJobMetadata),
    container.resolve(T.openJobAsset),
    container.resolve(T.authenticateApiKey),
    container.resolve(T.authenticateSession),
    container.resolve(T.watchJob),
  ]);
  const startedAt = Date.now();
  const checkHealth = async (): Promise<Record<string, DependencyHealth>> => {
    const reports = await container.health();
    const checks: Record<string, DependencyHealth> = {};
    for (const [name, r] of Object.entries(reports)) {
      if (!REPORTED.has(name)) continue;
      checks[name] = {
        status: r.status,
        critical: CRITICAL.has(name),
        durationMs: Math.round(r.durationMs * 10) / 10,
        ...(r.detail !== undefined ? { detail: r.detail } : {}),
      };
    }
    checks['Pressure'] = pressureHealth();
    return checks;
  };

  const [getSystemMetrics, getQueueStatus, metricsExposition] = await Promise.all([
    container.resolve(T.getSystemMetrics),
    container.resolve(T.getQueueStatus),
    container.resolve(T.metricsExposition),
  ]);
  const rateLimitStore = (await container.resolve(T.rateLimitStore)) as FastifyRateLimitStoreCtor | null;
  await app.register(
    async (api) => {
      registerAuth(api, { authenticateApiKey, authenticateSession });
      // Per caller (user id, or the address for the few anonymous routes), after authentication.
      await api.register(fastifyRateLimit, {
        global: true,
        hook: 'preHandler',
        max: config.rateLimit.perMinute,
        timeWindow: 60_000,
        keyGenerator: (request) =>
          request.principal ? `user:${request.principal.userId}` : `ip:${request.ip}`,
        skipOnError: config.rateLimit.failOpen,
        enableDraftSpec: true,
        ...(rateLimitStore !== null ? { store: rateLimitStore } : {}),
        errorResponseBuilder: (_request, context) =>
          Object.assign(
            new Error(
              `Rate limit of ${context.max} requests per minute exceeded; retry in ${context.after}.`,
            ),
            {
              statusCode: context.statusCode,
              code: 'RATE_LIMITED',
            },
          ),
      });
      const idempotency = await container.resolve(T.idempotentExecution);
      await videoRoutes(api, { submitVideoJob, getJobStatus, getJobMetadata, openJobAsset, idempotency });
      await uploadRoutes(api, {
        uploadContent: await container.resolve(T.uploadContent),
        listUploads: await container.resolve(T.listUploads),
        getUpload: await container.resolve(T.getUpload),
        downloadUpload: await container.resolve(T.downloadUpload),
        deleteUpload: await container.resolve(T.deleteUpload),
        maxBytes: config.uploads.maxBytes,
      });
      await configurationRoutes(api, {
        createConfiguration: await container.resolve(T.createConfiguration),
        listConfigurations: await container.resolve(T.listConfigurations),
        getConfiguration: await container.resolve(T.getConfiguration),
        replaceConfiguration: await container.resolve(T.replaceConfiguration),
        deleteConfiguration: await container.resolve(T.deleteConfiguration),
      });
      await batchRoutes(api, {
        submitBatch: await container.resolve(T.submitBatch),
        getBatch: await container.resolve(T.getBatch),
        cancelBatch: await container.resolve(T.cancelBatch),
        idempotency,
        maxJobs: config.batch.maxJobs,
      });
      await jobRoutes(api, {
        listJobs: await container.resolve(T.listJobs),
        cancelJob: await container.resolve(T.cancelJob),
        retryJob: await container.resolve(T.retryJob),
        deleteJob: await container.resolve(T.deleteJob),
        getJobLogs: await container.resolve(T.getJobLogs),
      });
      await userRoutes(api, {
        getCurrentUser: await container.resolve(T.getCurrentUser),
        getPreferences: await container.resolve(T.getPreferences),
        updatePreferences: await container.resolve(T.updatePreferences),
      });
      await dashboardRoutes(api, {
        getDashboardStats: await container.resolve(T.getDashboardStats),
        listRecentJobs: await container.resolve(T.listRecentJobs),
      });
      await adminRoutes(api, {
        listAllJobs: await container.resolve(T.listAllJobs),
        adminCancelJob: await container.resolve(T.adminCancelJob),
      });
      await maintenanceRoutes(api, {
        listFailedJobs: await container.resolve(T.listFailedJobs),
        deleteUserData: await container.resolve(T.deleteUserData),
      });
      await liveRoutes(api, { watchJob });
      await systemRoutes(api, {
        checkHealth,
        isReady: options.isReady ?? (() => true),
        version: packageVersion(),
        startedAt,
      });
      await operationsRoutes(api, {
        getSystemMetrics,
        getQueueStatus,
        describeContainer: () => container.describe(),
      });
    },
    { prefix: API_PREFIX },
  );
  await app.register(docsRoutes);
  // WS /ws/jobs/{jobId}: outside /api/v1 (DESIGN §5), authenticated the same way.
  await app.register(async (ws) =>
    wsRoutes(ws, {
      watchJob,
      authenticateApiKey,
      authenticateSession,
      pingIntervalMs: config.websocket.pingIntervalMs,
    }),
  );
  await app.register(async (root) =>
    prometheusRoutes(root, {
      exposition: metricsExposition,
      token: config.metrics.token,
      openWithoutToken: config.env !== 'production',
      authenticateApiKey,
      authenticateSession,
    }),
  );

  app.addHook('onClose', async () => {
    await container.stop();
  });
  return app;
}

function httpCode(status: number): string {
  switch (status) {
    case 400:
      return 'BAD_REQUEST';
    case 401:
      return 'UNAUTHENTICATED';
    case 404:
      return 'NOT_FOUND';
    case 405:
      return 'METHOD_NOT_ALLOWED';
    case 406:
      return 'NOT_ACCEPTABLE';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 415:
      return 'UNSUPPORTED_MEDIA_TYPE';
    case 429:
      return 'RATE_LIMITED';
    default:
      return `HTTP_${status}`;
  }
}

function titleFor(status: number): string {
  const titles: Record<number, string> = {
    400: 'Bad request',
    401: 'Authentication required',
    403: 'Forbidden',
    404: 'Not found',
    405: 'Method not allowed',
    406: 'Not acceptable',
    413: 'Payload too large',
    415: 'Unsupported media type',
    429: 'Too many requests',
  };
  return titles[status] ?? 'Request error';
}
