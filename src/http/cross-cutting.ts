import { getHeapStatistics } from 'node:v8';
import fastifyCompress from '@fastify/compress';
import fastifyCors from '@fastify/cors';
import fastifyUnderPressure from '@fastify/under-pressure';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE, toProblem } from './problem.js';
import type { DependencyHealth } from './routes/system.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Served even under backpressure (probes, the metrics scrape). Routes with `public` are too. */
    pressureExempt?: boolean;
  }
}

/** Methods a browser may use cross-origin (@fastify/cors defaults to GET, HEAD, POST only). */
export const CORS_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** Response headers a cross-origin script may read. */
export const CORS_EXPOSED_HEADERS = [
  'Location',
  'X-Request-Id',
  'RateLimit',
  'RateLimit-Policy',
  'RateLimit-Limit',
  'RateLimit-Remaining',
  'RateLimit-Reset',
  'Retry-After',
  'Idempotent-Replayed',
  'Content-Range',
  'Content-Disposition',
  'Accept-Ranges',
  'ETag',
] as const;

/**
 * CORS allow-list: only `origins` (exact `scheme://host[:port]`) get CORS headers; an empty list
 * means same-origin only (no CORS headers at all). No credentials mode: the API authenticates
 * with headers, never cookies. Preflights are cached by browsers for 10 minutes.
 */
export async function registerCors(app: FastifyInstance, origins: readonly string[]): Promise<void> {
  const allowed = new Set(origins);
  await app.register(fastifyCors, {
    origin:
      allowed.size === 0
        ? false
        : (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    methods: [...CORS_METHODS],
    exposedHeaders: [...CORS_EXPOSED_HEADERS],
    credentials: false,
    maxAge: 600,
    strictPreflight: true,
    hideOptionsRoute: true,
  });
}

/** Media types worth compressing: JSON, problem+json, Prometheus text and the docs pages. */
const COMPRESSIBLE =
  /^(application\/(json|problem\+json|javascript|openmetrics-text)|text\/(plain|html|css|javascript))(;|$)/;

/**
 * Response compression (br, gzip, deflate as the client accepts) of JSON and text bodies of 1 KiB
 * or more. Never compressed: video, images, subtitles and other files (their ETag and byte ranges
 * describe the stored bytes), ranged (206) responses and event streams. Request bodies are not
 * decompressed (a small compressed body could expand past the body limit's intent).
 */
export async function registerCompression(app: FastifyInstance): Promise<void> {
  await app.register(fastifyCompress, {
    global: true,
    threshold: 1024,
    encodings: ['br', 'gzip', 'deflate'],
    customTypes: COMPRESSIBLE,
    globalDecompression: false,
  });
}

export interface BackpressureSettings {
  /** Mean event-loop delay over a sample, in ms, past which requests get 503 (0: off). */
  readonly maxEventLoopDelayMs: number;
  /** Heap used in bytes past which requests get 503 (0: off; undefined: 90% of the V8 heap limit). */
  readonly maxHeapUsedBytes: number | undefined;
  /** Resident set size in bytes past which requests get 503 (0: off). */
  readonly maxRssBytes: number;
  /** `Retry-After` of the 503, in seconds. */
  readonly retryAfterSeconds: number;
  /** How often memory and event-loop delay are sampled, in ms (default 1000). */
  readonly sampleIntervalMs?: number;
}

type UnderPressureHandler = NonNullable<fastifyUnderPressure.FastifyUnderPressureOptions['pressureHandler']>;

const exempt = (request: FastifyRequest): boolean =>
  request.routeOptions.config.pressureExempt === true || request.routeOptions.config.public === true;

/**
 * Backpressure (@fastify/under-pressure): while the event-loop delay, heap or RSS is past its
 * threshold, requests answer 503 problem+json `SERVICE_OVERLOADED` with `Retry-After`, before any
 * work (authentication, body parsing). Probes and the metrics scrape are still served.
 * @returns a health check for `/system/health` (`degraded` under pressure, with the readings).
 */
export async function registerBackpressure(
  app: FastifyInstance,
  settings: BackpressureSettings,
): Promise<() => DependencyHealth> {
  const maxHeapUsedBytes = settings.maxHeapUsedBytes ?? Math.floor(getHeapStatistics().heap_size_limit * 0.9);
  await app.register(fastifyUnderPressure, {
    maxEventLoopDelay: settings.maxEventLoopDelayMs,
    maxHeapUsedBytes,
    maxRssBytes: settings.maxRssBytes,
    retryAfter: settings.retryAfterSeconds,
    sampleInterval: settings.sampleIntervalMs ?? 1000,
    // A returned value is sent as the response (and the request goes no further).
    pressureHandler: ((request: FastifyRequest, reply: FastifyReply, type: string, value: unknown) => {
      if (exempt(request)) return undefined;
      request.log.warn({ pressure: type, value }, 'overloaded: request refused');
      void reply
        .code(503)
        .type(PROBLEM_CONTENT_TYPE)
        .header('retry-after', String(settings.retryAfterSeconds));
      return toProblem(
        {
          status: 503,
          code: 'SERVICE_OVERLOADED',
          title: 'Service overloaded',
          detail: `The server is overloaded (${type}); retry in ${settings.retryAfterSeconds} s.`,
        },
        request,
      );
    }) as unknown as UnderPressureHandler,
  });
  return () => {
    const usage = app.memoryUsage();
    return {
      status: app.isUnderPressure() ? 'degraded' : 'up',
      critical: false,
      durationMs: 0,
      detail: {
        eventLoopDelayMs: Math.round(usage.eventLoopDelay * 10) / 10,
        heapUsedBytes: usage.heapUsed,
        rssBytes: usage.rssBytes,
        thresholds: {
          maxEventLoopDelayMs: settings.maxEventLoopDelayMs,
          maxHeapUsedBytes,
          maxRssBytes: settings.maxRssBytes,
        },
      },
    };
  };
}
