import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, KEY_A, KEY_B, type TestApp } from '../../support/http-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const asA = { 'x-api-key': KEY_A };
const asB = { 'x-api-key': KEY_B };
const PROBLEM = 'application/problem+json; charset=utf-8';

const pythagoras = {
  topic: 'The Pythagorean theorem',
  context:
    'In a right triangle, the square of the hypotenuse equals the sum of the squares of the other two sides. It is written a² + b² = c². It lets us find a missing side.',
};

/** No error body may carry a stack trace or an SQL message. */
function expectNoInternals(body: string): void {
  expect(body).not.toMatch(/\n\s+at /);
  expect(body).not.toMatch(/\.ts:\d+/);
  expect(body).not.toMatch(/SELECT|INSERT|UPDATE /);
}

describe('authentication', () => {
  it.each([
    ['no key', {}],
    ['a wrong key', { 'x-api-key': 'not-a-real-key-0123456789' }],
    ['a malformed key', { 'x-api-key': 'short' }],
  ])('answers 401 problem+json with %s', async (_name, headers) => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/videos/jobs/x/status', headers });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toBe(PROBLEM);
    expect(res.headers['www-authenticate']).toContain('realm="framecast"');
    expect(res.json()).toMatchObject({
      status: 401,
      code: 'UNAUTHENTICATED',
      instance: '/api/v1/videos/jobs/x/status',
    });
  });

  it('refuses anonymous submissions before validating the body', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/videos/generate', payload: {} });
    expect(res.statusCode).toBe(401);
  });
});

describe('POST /api/v1/videos/generate', () => {
  it('answers 201 with the queued job and a Location header', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/videos/generate',
      headers: asA,
      payload: pythagoras,
    });
    expect(res.statusCode).toBe(201);
    const job = res.json() as {
      id: string;
      status: string;
      topic: string;
      progress: unknown;
      links: { status: string };
    };
    expect(job).toMatchObject({
      status: 'queued',
      topic: 'The Pythagorean theorem',
      progress: { stage: 'queued', percent: 0 },
      attempts: 0,
      maxAttempts: 3,
    });
    expect(res.headers.location).toBe(`/api/v1/videos/jobs/${job.id}/status`);
    expect(job.links.status).toBe(res.headers.location);

    const status = await t.app.inject({ method: 'GET', url: res.headers.location as string, headers: asA });
    expect(status.statusCode).toBe(200);
    expect(status.json()).toMatchObject({ id: job.id, status: 'queued' });
    expect((status.json() as { queuePosition: number }).queuePosition).toBeGreaterThanOrEqual(1);
  });

  it('answers 422 naming topic when it is missing', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/videos/generate',
      headers: asA,
      payload: { context: 'no topic' },
    });
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toBe(PROBLEM);
    const body = res.json() as {
      code: string;
      errors: { path: string; message: string; location: string }[];
    };
    expect(body.code).toBe('VALIDATION_FAILED');
    expect(body.errors).toContainEqual({ path: 'topic', message: 'is required', location: 'body' });
    expectNoInternals(res.body);
  });

  it('answers 422 with the field path of every schema problem', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/videos/generate',
      headers: asA,
      payload: { topic: 'x', quality: 'ultra', rag: { topK: 99 } },
    });
    expect(res.statusCode).toBe(422);
    const paths = (res.json() as { errors: { path: string }[] }).errors.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['quality', 'rag.topK']));
  });

  it('answers 422 for a rule only the domain knows (callbackUrl scheme)', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/videos/generate',
      headers: asA,
      payload: { topic: 'x', callbackUrl: 'ftp://example.com/hook' },
    });
    expect(res.statusCode).toBe(422);
    expect((res.json() as { errors: unknown[] }).errors).toEqual([
      { path: 'callbackUrl', message: 'must use http or https', location: 'body' },
    ]);
  });

  it('answers 400 problem+json for malformed JSON', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/videos/generate',
      headers: { ...asA, 'content-type': 'application/json' },
      payload: '{"topic": ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toBe(PROBLEM);
    expectNoInternals(res.body);
  });

  it('answers 413 for a body over the limit', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/videos/generate',
      headers: asA,
      payload: { topic: 'x', context: 'a'.repeat(2 * 1024 * 1024) },
    });
    expect(res.statusCode).toBe(413);
    expect(res.headers['content-type']).toBe(PROBLEM);
  });
});

describe('job resources', () => {
  it('answers 404 for an unknown job', async () => {
    for (const suffix of ['status', 'metadata', 'download', 'thumbnail', 'subtitles']) {
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/v1/videos/jobs/does-not-exist/${suffix}`,
        headers: asA,
      });
      expect(res.statusCode, suffix).toBe(404);
      expect(res.json()).toMatchObject({ code: 'JOB_NOT_FOUND' });
    }
  });

  it('answers 404 to another user for every route naming the job', async () => {
    const job = await t.completedJob();
    for (const suffix of ['status', 'metadata', 'download', 'thumbnail', 'subtitles']) {
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/v1/videos/jobs/${job.id}/${suffix}`,
        headers: asB,
      });
      expect(res.statusCode, suffix).toBe(404);
    }
  });

  it('answers 409 for the files of a job that is not completed', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/videos/generate',
      headers: asA,
      payload: pythagoras,
    });
    const id = (created.json() as { id: string }).id;
    for (const suffix of ['download', 'thumbnail']) {
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/v1/videos/jobs/${id}/${suffix}`,
        headers: asA,
      });
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({
        code: 'JOB_NOT_COMPLETED',
        detail: expect.stringContaining('queued'),
      });
    }
  });

  it('serves metadata with the spec, its defaults and the result', async () => {
    const job = await t.completedJob();
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/videos/jobs/${job.id}/metadata`,
      headers: asA,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json() as {
      job: { status: string };
      spec: Record<string, unknown>;
      result: Record<string, unknown>;
    };
    expect(body.job.status).toBe('completed');
    expect(body.spec).toMatchObject({
      topic: 'A finished video',
      quality: 'medium',
      aspectRatio: '16:9',
      narration: true,
    });
    expect(body.result).toMatchObject({ width: 1280, height: 720, videoCodec: 'h264' });
  });
});

describe('GET /api/v1/videos/jobs/{id}/download', () => {
  const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7) % 256));
  let url: string;
  beforeAll(async () => {
    const job = await t.completedJob({ video: bytes });
    url = `/api/v1/videos/jobs/${job.id}/download`;
  });

  it('streams the whole file with validators', async () => {
    const res = await t.app.inject({ method: 'GET', url, headers: asA });
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(bytes)).toBe(true);
    expect(res.headers['content-type']).toBe('video/mp4');
    expect(res.headers['accept-ranges']).toBe('bytes');
    expect(res.headers['content-length']).toBe('1000');
    expect(res.headers.etag).toMatch(/^"[0-9a-f]{64}"$/);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename=".+-video\.mp4"$/);
  });

  it('answers 206 with exactly the requested 100 bytes', async () => {
    const res = await t.app.inject({ method: 'GET', url, headers: { ...asA, range: 'bytes=0-99' } });
    expect(res.statusCode).toBe(206);
    expect(res.rawPayload.length).toBe(100);
    expect(res.rawPayload.equals(bytes.subarray(0, 100))).toBe(true);
    expect(res.headers['content-range']).toBe('bytes 0-99/1000');
    expect(res.headers['content-length']).toBe('100');
  });

  it('serves open-ended and suffix ranges', async () => {
    const open = await t.app.inject({ method: 'GET', url, headers: { ...asA, range: 'bytes=990-' } });
    expect(open.statusCode).toBe(206);
    expect(open.headers['content-range']).toBe('bytes 990-999/1000');
    const suffix = await t.app.inject({ method: 'GET', url, headers: { ...asA, range: 'bytes=-10' } });
    expect(suffix.statusCode).toBe(206);
    expect(suffix.rawPayload.equals(bytes.subarray(990))).toBe(true);
  });

  it('clamps a range end past the last byte', async () => {
    const res = await t.app.inject({ method: 'GET', url, headers: { ...asA, range: 'bytes=900-5000' } });
    expect(res.statusCode).toBe(206);
    expect(res.headers['content-range']).toBe('bytes 900-999/1000');
  });

  it('answers 416 with bytes */size for a range past the end', async () => {
    const res = await t.app.inject({ method: 'GET', url, headers: { ...asA, range: 'bytes=1000-' } });
    expect(res.statusCode).toBe(416);
    expect(res.headers['content-range']).toBe('bytes */1000');
    expect(res.headers['content-type']).toBe(PROBLEM);
  });

  it('ignores a malformed or multi-range header (200, whole file)', async () => {
    const res = await t.app.inject({ method: 'GET', url, headers: { ...asA, range: 'bytes=0-1,5-6' } });
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.length).toBe(1000);
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const first = await t.app.inject({ method: 'GET', url, headers: asA });
    const res = await t.app.inject({
      method: 'GET',
      url,
      headers: { ...asA, 'if-none-match': first.headers.etag as string },
    });
    expect(res.statusCode).toBe(304);
    expect(res.rawPayload.length).toBe(0);
  });

  it('ignores the range when If-Range does not match the ETag', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url,
      headers: { ...asA, range: 'bytes=0-99', 'if-range': '"stale"' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.length).toBe(1000);
  });

  it('serves the thumbnail as JPEG and the subtitles as WebVTT', async () => {
    const thumb = await t.app.inject({
      method: 'GET',
      url: url.replace('download', 'thumbnail'),
      headers: asA,
    });
    expect(thumb.statusCode).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/jpeg');
    expect(thumb.rawPayload.subarray(0, 2).toString('hex')).toBe('ffd8');
    const vtt = await t.app.inject({
      method: 'GET',
      url: url.replace('download', 'subtitles'),
      headers: asA,
    });
    expect(vtt.statusCode).toBe(200);
    expect(vtt.body.startsWith('WEBVTT')).toBe(true);
  });

  it('answers 404 ASSET_NOT_FOUND when a stored file vanished', async () => {
    const job = await t.completedJob();
    await t.storage.delete(job.result!.videoKey);
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/videos/jobs/${job.id}/download`,
      headers: asA,
    });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'ASSET_NOT_FOUND' });
  });
});

describe('cross-cutting', () => {
  it('echoes a valid X-Request-Id and puts it in problems', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/videos/jobs/none/status',
      headers: { ...asA, 'x-request-id': 'trace-123' },
    });
    expect(res.headers['x-request-id']).toBe('trace-123');
    expect(res.json()).toMatchObject({ requestId: 'trace-123' });
  });

  it('generates a request id when none (or an unsafe one) is given', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/system/health/live',
      headers: { 'x-request-id': 'bad id with spaces' },
    });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers unknown routes with a 404 problem', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/nothing-here', headers: asA });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toBe(PROBLEM);
    expect(res.json()).toMatchObject({ code: 'ROUTE_NOT_FOUND' });
  });

  it('sends security headers', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/system/health/live' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("worker-src 'self' blob:");
    expect(res.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
  });
});

describe('health', () => {
  it('serves liveness and readiness without credentials', async () => {
    const live = await t.app.inject({ method: 'GET', url: '/api/v1/system/health/live' });
    expect(live.statusCode).toBe(200);
    expect(live.json()).toEqual({ status: 'up' });
    const ready = await t.app.inject({ method: 'GET', url: '/api/v1/system/health/ready' });
    expect(ready.statusCode).toBe(200);
  });

  it('reports each dependency to an authenticated caller', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/system/health' })).statusCode).toBe(401);
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/system/health', headers: asA });
    expect(res.statusCode).toBe(200);
    const body = res.json() as {
      status: string;
      checks: Record<string, { status: string; critical: boolean }>;
    };
    // Storage is overridden with a plain in-memory value here (no health hook); the end-to-end
    // test checks the real ObjectStorage and Database entries.
    expect(body.checks['DiskSpace']).toMatchObject({ critical: true });
    expect(body.checks['VideoRenderer']).toMatchObject({ status: 'up', critical: false });
  });
});

describe('documentation', () => {
  it('serves an OpenAPI 3.1 document where every operation has an operationId', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as {
      openapi: string;
      paths: Record<string, Record<string, { operationId?: string }>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    const operations = Object.values(doc.paths).flatMap((p) => Object.values(p));
    expect(operations.length).toBeGreaterThanOrEqual(8);
    for (const op of operations) expect(op.operationId).toBeTruthy();
    expect(Object.keys(doc.paths)).toContain('/api/v1/videos/generate');
  });

  it('serves Swagger UI and ReDoc offline', async () => {
    const docs = await t.app.inject({ method: 'GET', url: '/docs' });
    expect([200, 302]).toContain(docs.statusCode);
    const redoc = await t.app.inject({ method: 'GET', url: '/redoc' });
    expect(redoc.statusCode).toBe(200);
    expect(redoc.body).toContain('/redoc/redoc.standalone.js');
    expect(redoc.body).not.toMatch(/https?:\/\/cdn/);
    const bundle = await t.app.inject({ method: 'GET', url: '/redoc/redoc.standalone.js' });
    expect(bundle.statusCode).toBe(200);
    expect(bundle.rawPayload.length).toBeGreaterThan(500_000);
  });
});
