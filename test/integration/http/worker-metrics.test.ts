import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { T } from '../../../src/container/tokens.js';
import { buildWorkerMetricsApp } from '../../../src/http/worker-metrics-app.js';
import { createTestApp, KEY_A, KEY_B, type TestApp } from '../../support/http-app.js';

const METRICS_TOKEN = 'scrape-token-0123456789abcdef';
const PROBLEM = 'application/problem+json; charset=utf-8';

// The worker-only process's listener, built on the same container as the test app (KEY_A is an admin).
describe('worker metrics listener (WORKER_METRICS_PORT)', () => {
  let t: TestApp;
  let worker: FastifyInstance;
  beforeAll(async () => {
    t = await createTestApp({ METRICS_TOKEN });
    worker = await buildWorkerMetricsApp(t.container);
  }, 60_000);
  afterAll(async () => {
    await worker.close();
    await t.close();
  });

  it("serves the worker's own job metrics with the token", async () => {
    const metrics = await t.container.resolve(T.metrics);
    metrics.jobStarted(1.5);
    const res = await worker.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.body).toMatch(/^framecast_job_queue_wait_seconds_count 1$/m);
    expect(res.body).toMatch(/^framecast_jobs\{status="queued"\} \d+$/m);
  });

  it.each([
    ['no credentials', {}, 401],
    ['a wrong token', { authorization: 'Bearer wrong-token-0123456789abcdef' }, 401],
    ['an ordinary user', { 'x-api-key': KEY_B }, 403],
    ['an admin API key', { 'x-api-key': KEY_A }, 200],
  ] as const)('answers %s with %i, as the API does', async (_name, headers, status) => {
    const res = await worker.inject({ method: 'GET', url: '/metrics', headers });
    expect(res.statusCode).toBe(status);
    if (status !== 200) expect(res.headers['content-type']).toBe(PROBLEM);
  });

  it('answers the liveness probe, and 404 problem+json for anything else', async () => {
    const live = await worker.inject({ method: 'GET', url: '/health/live' });
    expect(live.statusCode).toBe(200);
    expect(live.json()).toEqual({ status: 'up' });
    const other = await worker.inject({ method: 'GET', url: '/api/v1/videos/jobs/x/status' });
    expect(other.statusCode).toBe(404);
    expect(other.headers['content-type']).toBe(PROBLEM);
    expect(other.json()).toMatchObject({ status: 404, code: 'ROUTE_NOT_FOUND' });
  });
});
