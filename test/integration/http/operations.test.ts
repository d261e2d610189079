import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimJob, failJob } from '../../../src/domain/job.js';
import { createTestApp, KEY_A, KEY_B, type TestApp } from '../../support/http-app.js';

const asA = { 'x-api-key': KEY_A };
const asB = { 'x-api-key': KEY_B };
const PROBLEM = 'application/problem+json; charset=utf-8';
const METRICS_TOKEN = 'scrape-token-0123456789abcdef';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
}, 60_000);
afterAll(async () => {
  await t.close();
});

const submit = async (topic: string): Promise<string> => {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/videos/generate',
    headers: asA,
    payload: { topic },
  });
  expect(res.statusCode).toBe(201);
  return (res.json() as { id: string }).id;
};

/** Parses Prometheus text: `name{labels} value` lines into a map keyed by `name{labels}`. */
function parsePrometheus(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{.*\})?) (\S+)$/.exec(line);
    if (m === null) throw new Error(`not a Prometheus sample line: ${line}`);
    samples.set(m[1]!, Number(m[2]));
  }
  return samples;
}

describe.each([['/api/v1/system/metrics'], ['/api/v1/system/queue-status'], ['/api/v1/system/container']])(
  'GET %s (admins only)',
  (url) => {
    it('answers 401 without credentials', async () => {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toBe(PROBLEM);
    });

    it('answers 403 problem+json to an ordinary user', async () => {
      const res = await t.app.inject({ method: 'GET', url, headers: asB });
      expect(res.statusCode).toBe(403);
      expect(res.headers['content-type']).toBe(PROBLEM);
      expect(res.json()).toMatchObject({ status: 403, code: 'FORBIDDEN', instance: url });
    });

    it('answers 200 JSON to the admin', async () => {
      const res = await t.app.inject({ method: 'GET', url, headers: asA });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
    });
  },
);

describe('operations views', () => {
  let queuedIds: string[];
  let completedId: string;
  let failedId: string;

  beforeAll(async () => {
    queuedIds = [await submit('first'), await submit('second'), await submit('third')];
    completedId = (await t.completedJob()).id;
    // One running job held by worker-7, one failed after its last attempt.
    const running = (await t.jobs.findById(queuedIds[2]!))._unsafeUnwrap();
    (
      await t.jobs.update(
        claimJob(running, { workerId: 'worker-7', leaseMs: 60_000, now: new Date() })._unsafeUnwrap(),
      )
    )._unsafeUnwrap();
    failedId = await submit('doomed');
    const doomed = (await t.jobs.findById(failedId))._unsafeUnwrap();
    const claimed = claimJob(
      { ...doomed, maxAttempts: 1 },
      { workerId: 'worker-8', leaseMs: 60_000, now: new Date() },
    )._unsafeUnwrap();
    const failed = failJob(claimed, {
      attempt: 1,
      error: { code: 'RENDER_FAILED', message: 'boom', retryable: false },
      backoffMs: 0,
      now: new Date(),
    })._unsafeUnwrap();
    (await t.jobs.update({ ...failed, version: doomed.version + 1 }))._unsafeUnwrap();
  });

  it('GET /system/queue-status shows counts, runnable jobs, the running lease and its worker', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/system/queue-status', headers: asA });
    expect(res.statusCode).toBe(200);
    const body = res.json() as {
      counts: Record<string, number>;
      oldestQueuedAgeSeconds: number | null;
      queued: { runnable: number; delayed: number };
      running: { jobId: string; workerId: string; leaseExpiresInSeconds: number; attempt: number }[];
      activeWorkers: { count: number; ids: string[] };
    };
    expect(body.counts).toEqual({ queued: 2, processing: 1, completed: 1, failed: 1, cancelled: 0 });
    expect(body.queued).toEqual({ runnable: 2, delayed: 0 });
    expect(body.oldestQueuedAgeSeconds).toBeGreaterThanOrEqual(0);
    expect(body.running).toHaveLength(1);
    expect(body.running[0]).toMatchObject({ jobId: queuedIds[2], workerId: 'worker-7', attempt: 1 });
    expect(body.running[0]!.leaseExpiresInSeconds).toBeGreaterThan(50);
    expect(body.activeWorkers).toEqual({ count: 1, ids: ['worker-7'] });
  });

  it('GET /system/metrics shows queue depth, the last hour and the process', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/system/metrics', headers: asA });
    expect(res.statusCode).toBe(200);
    const body = res.json() as {
      queueDepth: Record<string, number>;
      jobs: {
        windowSeconds: number;
        finished: Record<string, number>;
        completedPerHour: number;
        processingSeconds: { p50: number | null };
      };
      process: {
        rssBytes: number;
        heapUsedBytes: number;
        eventLoopDelayP99Ms: number;
        loadAverage: number[];
        uptimeSeconds: number;
      };
    };
    expect(body.queueDepth).toEqual({ queued: 2, processing: 1, completed: 1, failed: 1, cancelled: 0 });
    expect(body.jobs).toMatchObject({
      windowSeconds: 3600,
      finished: { completed: 1, failed: 1, cancelled: 0 },
      completedPerHour: 1,
    });
    expect(body.jobs.processingSeconds.p50).toBeGreaterThanOrEqual(0);
    expect(body.process.rssBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(body.process.heapUsedBytes).toBeGreaterThan(0);
    expect(body.process.eventLoopDelayP99Ms).toBeGreaterThanOrEqual(0);
    expect(body.process.loadAverage).toHaveLength(3);
    expect(body.process.uptimeSeconds).toBeGreaterThan(0);
  });

  it('GET /system/container describes the registrations with lifetimes, states and dependencies', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/system/container', headers: asA });
    const { registrations } = res.json() as {
      registrations: { token: string; lifetime: string; state: string; dependencies: string[] }[];
    };
    const byToken = new Map(registrations.map((r) => [r.token, r]));
    expect(byToken.get('Config')).toMatchObject({ lifetime: 'instance', state: 'started' });
    expect(byToken.get('GetQueueStatus')).toMatchObject({
      lifetime: 'singleton',
      state: 'started',
      dependencies: ['JobRepository'],
    });
    expect(byToken.get('Metrics')?.dependencies).toEqual(['PromMetrics']);
  });

  it('GET /metrics serves the Prometheus text format with queue depth and request durations', async () => {
    await t.app.inject({ method: 'GET', url: `/api/v1/videos/jobs/${completedId}/status`, headers: asA });
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const samples = parsePrometheus(res.body);
    expect(samples.get('framecast_jobs{status="queued"}')).toBe(2);
    expect(samples.get('framecast_jobs{status="processing"}')).toBe(1);
    expect(samples.get('framecast_jobs{status="completed"}')).toBe(1);
    expect(samples.get('framecast_jobs{status="failed"}')).toBe(1);
    expect(samples.get('framecast_jobs{status="cancelled"}')).toBe(0);
    // The route pattern, never the raw URL with the job id.
    expect(
      samples.get(
        'framecast_http_request_duration_seconds_count{method="GET",route="/api/v1/videos/jobs/:jobId/status",status_class="2xx"}',
      ),
    ).toBeGreaterThanOrEqual(1);
    expect(res.body).not.toContain(completedId);
    expect(
      samples.get(
        'framecast_http_request_duration_seconds_count{method="POST",route="/api/v1/videos/generate",status_class="2xx"}',
      ),
    ).toBeGreaterThanOrEqual(4);
    for (const name of [
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_p99_seconds',
      'nodejs_heap_size_used_bytes',
    ])
      expect(samples.has(name), name).toBe(true);
    expect(res.body).toContain('# TYPE framecast_job_stage_duration_seconds histogram');
    expect(res.body).toContain('# TYPE framecast_job_failures_total counter');

    // Queue depth is read at scrape time.
    await submit('one more');
    const again = parsePrometheus((await t.app.inject({ method: 'GET', url: '/metrics' })).body);
    expect(again.get('framecast_jobs{status="queued"}')).toBe(3);
  });

  it('counts unmatched requests under one placeholder route', async () => {
    await t.app.inject({ method: 'GET', url: '/no/such/route/12345' });
    const samples = parsePrometheus((await t.app.inject({ method: 'GET', url: '/metrics' })).body);
    expect(
      samples.get(
        'framecast_http_request_duration_seconds_count{method="GET",route="<unmatched>",status_class="4xx"}',
      ),
    ).toBeGreaterThanOrEqual(1);
    expect([...samples.keys()].some((k) => k.includes('/no/such/route'))).toBe(false);
  });

  it('compresses a large JSON answer for a client that accepts gzip', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/system/container',
      headers: { ...asA, 'accept-encoding': 'gzip' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers.vary).toMatch(/accept-encoding/i);
    const json = JSON.parse(gunzipSync(res.rawPayload).toString('utf8')) as { registrations: unknown[] };
    expect(json.registrations.length).toBeGreaterThan(10);
    expect(res.rawPayload.length).toBeLessThan(Buffer.byteLength(JSON.stringify(json)));
  });

  it('leaves small answers, downloads and ranged responses uncompressed', async () => {
    const small = await t.app.inject({
      method: 'GET',
      url: '/api/v1/system/health/live',
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(small.headers['content-encoding']).toBeUndefined();
    const video = Buffer.alloc(64 * 1024, 'a'); // very compressible, still not compressed
    const job = await t.completedJob({
      video,
      subtitles: Buffer.from(`WEBVTT\n\n${'00:00.000 --> 00:01.000\nHello\n\n'.repeat(200)}`),
    });
    const download = await t.app.inject({
      method: 'GET',
      url: `/api/v1/videos/jobs/${job.id}/download`,
      headers: { ...asA, 'accept-encoding': 'gzip, br' },
    });
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('video/mp4');
    expect(download.headers['content-encoding']).toBeUndefined();
    expect(download.rawPayload.equals(video)).toBe(true);
    const ranged = await t.app.inject({
      method: 'GET',
      url: `/api/v1/videos/jobs/${job.id}/subtitles`,
      headers: { ...asA, 'accept-encoding': 'gzip', range: 'bytes=0-2047' },
    });
    expect(ranged.statusCode).toBe(206);
    expect(ranged.headers['content-encoding']).toBeUndefined();
    expect(ranged.rawPayload.length).toBe(2048);
  });
});

describe('GET /metrics with METRICS_TOKEN', () => {
  let tt: TestApp;
  beforeAll(async () => {
    tt = await createTestApp({ METRICS_TOKEN });
  }, 60_000);
  afterAll(async () => {
    await tt.close();
  });

  it.each([
    ['no credentials', {}, 401],
    ['a wrong token', { authorization: 'Bearer wrong-token-0123456789abcdef' }, 401],
    ['an ordinary user', asB, 403],
    ['the token', { authorization: `Bearer ${METRICS_TOKEN}` }, 200],
    ['an admin API key', asA, 200],
  ] as const)('answers %s with %i', async (_name, headers, status) => {
    const res = await tt.app.inject({ method: 'GET', url: '/metrics', headers });
    expect(res.statusCode).toBe(status);
    if (status === 200) expect(res.body).toContain('framecast_jobs{status="queued"}');
    else expect(res.headers['content-type']).toBe(PROBLEM);
  });
});
