import { Writable } from 'node:stream';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPinoLogger } from '../../../src/adapters/pino/pino-logger.js';
import { AsyncLocalLogContext } from '../../../src/adapters/system/async-local-log-context.js';
import { registerRequestLogContext } from '../../../src/http/request-log-context.js';
import { createTestApp, KEY_A, type TestApp } from '../../support/http-app.js';

const ALLOWED = 'https://app.example.com';
const PROBLEM = 'application/problem+json; charset=utf-8';

describe('CORS allow-list', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ CORS_ORIGINS: `${ALLOWED}, http://localhost:5173` });
  }, 60_000);
  afterAll(async () => {
    await t.close();
  });

  const preflight = (origin: string, method = 'DELETE') =>
    t.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/videos/jobs/some-job/status',
      headers: {
        origin,
        'access-control-request-method': method,
        'access-control-request-headers': 'x-api-key, content-type',
      },
    });

  it('answers a preflight from an allowed origin with the methods listed explicitly', async () => {
    const res = await preflight(ALLOWED);
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(ALLOWED);
    const methods = String(res.headers['access-control-allow-methods']).split(/,\s*/);
    expect(methods).toEqual(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
    expect(String(res.headers['access-control-allow-headers']).toLowerCase()).toContain('x-api-key');
    expect(res.headers['access-control-max-age']).toBe('600');
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    expect(res.headers.vary).toMatch(/origin/i);
  });

  it('gives a disallowed origin no CORS headers', async () => {
    const res = await preflight('https://evil.example.net');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['access-control-allow-methods']).toBeUndefined();
  });

  it('exposes the headers a client needs on actual responses', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/videos/generate',
      headers: { origin: ALLOWED, 'x-api-key': KEY_A },
      payload: { topic: 'CORS' },
    });
    expect(res.statusCode).toBe(201);
    expect(res.headers['access-control-allow-origin']).toBe(ALLOWED);
    const exposed = String(res.headers['access-control-expose-headers']).split(/,\s*/);
    expect(exposed).toEqual(
      expect.arrayContaining([
        'Location',
        'X-Request-Id',
        'RateLimit-Remaining',
        'Retry-After',
        'Idempotent-Replayed',
        'Content-Range',
        'ETag',
      ]),
    );
  });

  it('sends no CORS headers at all by default (same-origin only)', async () => {
    const plain = await createTestApp();
    try {
      const res = await plain.app.inject({
        method: 'GET',
        url: '/api/v1/system/health/live',
        headers: { origin: ALLOWED },
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await plain.close();
    }
  });
});

describe('backpressure', () => {
  let t: TestApp;
  beforeAll(async () => {
    // A heap threshold of 1 byte: the first memory sample (after ~1 s) puts the app under pressure.
    t = await createTestApp({ PRESSURE_MAX_HEAP_USED_BYTES: '1', PRESSURE_RETRY_AFTER_SECONDS: '7' });
  }, 60_000);
  afterAll(async () => {
    await t.close();
  });

  const waitForPressure = async (): Promise<void> => {
    const deadline = Date.now() + 10_000;
    while (!t.app.isUnderPressure()) {
      if (Date.now() > deadline) throw new Error('never under pressure');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  it('answers 503 problem+json with Retry-After before authenticating', async () => {
    await waitForPressure();
    for (const headers of [{}, { 'x-api-key': KEY_A }]) {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/videos/jobs/x/status', headers });
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('7');
      expect(res.headers['content-type']).toBe(PROBLEM);
      expect(res.json()).toMatchObject({
        status: 503,
        code: 'SERVICE_OVERLOADED',
        instance: '/api/v1/videos/jobs/x/status',
        requestId: res.headers['x-request-id'],
      });
    }
  });

  it('still answers the probes, the health report (degraded, with readings) and the metrics scrape', async () => {
    await waitForPressure();
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/system/health/live' })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
    const health = await t.app.inject({
      method: 'GET',
      url: '/api/v1/system/health',
      headers: { 'x-api-key': KEY_A },
    });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toMatchObject({
      status: 'degraded',
      checks: {
        Pressure: {
          status: 'degraded',
          critical: false,
          detail: { thresholds: { maxHeapUsedBytes: 1 } },
        },
      },
    });
  });
});

describe('request id in every log line of a request', () => {
  it('adds reqId once to lines from the request logger and from the root logger (use cases)', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(
          ...chunk
            .toString('utf8')
            .split('\n')
            .filter((l) => l !== ''),
        );
        callback();
      },
    });
    const logContext = new AsyncLocalLogContext();
    const logger = createPinoLogger({ level: 'info', destination, context: () => logContext.current() });
    const app = Fastify({ loggerInstance: logger as unknown as FastifyBaseLogger });
    registerRequestLogContext(app, logContext);
    app.addHook('preHandler', async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      logger.info({ step: 'hook' }, 'from the root logger in a hook');
    });
    app.post('/work', async (request) => {
      await new Promise((resolve) => setImmediate(resolve));
      logger.info({ step: 'use-case' }, 'from the root logger');
      request.log.info({ step: 'handler' }, 'from the request logger');
      return { ok: true };
    });
    logger.info({ step: 'outside' }, 'not in a request');
    const res = await app.inject({
      method: 'POST',
      url: '/work',
      headers: { 'x-request-id': 'ignored-here' },
      payload: { some: 'body' },
    });
    expect(res.statusCode).toBe(200);
    await app.close();

    const parsed = lines.map((l) => ({ raw: l, json: JSON.parse(l) as Record<string, unknown> }));
    const outside = parsed.filter((p) => p.json['step'] === 'outside');
    expect(outside).toHaveLength(1);
    expect(outside[0]!.json['reqId']).toBeUndefined();
    const inRequest = parsed.filter((p) => p.json['step'] !== 'outside');
    expect(inRequest.map((p) => p.json['step'] ?? p.json['msg'])).toEqual(
      expect.arrayContaining(['hook', 'use-case', 'handler', 'incoming request', 'request completed']),
    );
    const ids = new Set(inRequest.map((p) => p.json['reqId']));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toEqual(expect.any(String));
    // Never twice on one line (the request logger binds reqId itself).
    for (const { raw } of inRequest) expect(raw.match(/"reqId"/g)).toHaveLength(1);
  });
});
