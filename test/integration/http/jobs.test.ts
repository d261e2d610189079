import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimJob, createJob, failJob, type Job, type JobStatus } from '../../../src/domain/job.js';
import { VideoSpec } from '../../../src/domain/video-spec.js';
import { createTestApp, KEY_A, KEY_B, type TestApp } from '../../support/http-app.js';
import { addTestUser } from '../../support/http-users.js';

// One app for the file (building one costs seconds on a busy machine); tests that count jobs
// use a user of their own.
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
const spec = VideoSpec.create({ topic: 'Listed job' })._unsafeUnwrap();

interface JobJson {
  id: string;
  status: JobStatus;
  cancelRequested: boolean;
  attempts: number;
  links: { status: string };
}
interface Page {
  items: JobJson[];
  nextCursor: string | null;
}

async function submit(headers: Record<string, string> = asA, topic = 'Cancel me'): Promise<JobJson> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/videos/generate',
    headers,
    payload: { topic },
  });
  expect(res.statusCode).toBe(201);
  return res.json<JobJson>();
}

/** Stores a job of `ownerId` directly, created at `createdAt`, in `status`. */
async function stored(
  ownerId: string,
  createdAt: Date,
  options: { status?: JobStatus; batchId?: string } = {},
): Promise<Job> {
  const job = createJob({
    id: `job-${createdAt.getTime()}-${Math.random().toString(36).slice(2, 8)}`,
    ownerId,
    spec,
    maxAttempts: 3,
    now: createdAt,
    ...(options.batchId !== undefined ? { batchId: options.batchId } : {}),
  });
  const status = options.status ?? 'queued';
  const finished = status === 'queued' || status === 'processing' ? {} : { finishedAt: createdAt };
  return (await t.jobs.insert({ ...job, status, ...finished }))._unsafeUnwrap();
}

async function claim(jobId: string): Promise<Job> {
  const job = (await t.jobs.findById(jobId))._unsafeUnwrap();
  return (
    await t.jobs.update(claimJob(job, { workerId: 'w', leaseMs: 60_000, now: new Date() })._unsafeUnwrap())
  )._unsafeUnwrap();
}

const get = (url: string, headers: Record<string, string> = asA) =>
  t.app.inject({ method: 'GET', url, headers });
const post = (url: string, headers: Record<string, string> = asA) =>
  t.app.inject({ method: 'POST', url, headers });

describe('every /jobs route', () => {
  it.each([
    ['GET', '/api/v1/jobs'],
    ['POST', '/api/v1/jobs/x/cancel'],
    ['POST', '/api/v1/jobs/x/retry'],
    ['DELETE', '/api/v1/jobs/x'],
    ['GET', '/api/v1/jobs/x/logs'],
  ] as const)('%s %s answers 401 problem+json without credentials', async (method, url) => {
    const res = await t.app.inject({ method, url });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toBe(PROBLEM);
    expect(res.json()).toMatchObject({ code: 'UNAUTHENTICATED', instance: url });
  });

  it.each([
    ['POST', 'cancel'],
    ['POST', 'retry'],
    ['DELETE', ''],
    ['GET', 'logs'],
  ] as const)(
    '%s /jobs/{id}/%s answers 404 to user B for user A’s job, as for a missing one',
    async (method, action) => {
      const job = await submit();
      for (const id of [job.id, 'no-such-job']) {
        const url = `/api/v1/jobs/${id}${action ? `/${action}` : ''}`;
        const res = await t.app.inject({ method, url, headers: id === job.id ? asB : asA });
        expect(res.statusCode).toBe(404);
        expect(res.headers['content-type']).toBe(PROBLEM);
        expect(res.json()).toMatchObject({ code: 'JOB_NOT_FOUND', detail: `No job ${id} for this caller.` });
      }
      expect((await t.jobs.findById(job.id))._unsafeUnwrap().status).toBe('queued');
    },
  );
});

describe('GET /api/v1/jobs', () => {
  it('lists the caller’s jobs newest first, as presentJob views', async () => {
    const u = await addTestUser(t);
    const first = await submit(u.headers, 'First');
    const second = await submit(u.headers, 'Second');
    await submit(asB, 'Not yours');
    const res = await get('/api/v1/jobs', u.headers);
    expect(res.statusCode).toBe(200);
    const page = res.json<Page>();
    expect(page.items.map((j) => j.id)).toEqual([second.id, first.id]);
    expect(page.nextCursor).toBeNull();
    expect(page.items[0]).toMatchObject({ status: 'queued', topic: 'Second', links: second.links });
  });

  it('pages across every job without duplicates or gaps, while new jobs arrive', async () => {
    const u = await addTestUser(t);
    const base = Date.parse('2026-11-20T10:00:00.000Z');
    const jobs: Job[] = [];
    for (let i = 0; i < 23; i += 1) jobs.push(await stored(u.id, new Date(base + Math.floor(i / 3) * 1_000)));
    const seen: string[] = [];
    let url = '/api/v1/jobs?limit=5&sort=asc';
    let pages = 0;
    for (;;) {
      const res = await get(url, u.headers);
      expect(res.statusCode).toBe(200);
      const page = res.json<Page>();
      expect(page.items.length).toBeLessThanOrEqual(5);
      seen.push(...page.items.map((j) => j.id));
      pages += 1;
      if (pages === 2) await stored(u.id, new Date(base - 60_000)); // older than every page: must not appear
      if (page.nextCursor === null) break;
      url = `/api/v1/jobs?limit=5&sort=asc&cursor=${encodeURIComponent(page.nextCursor)}`;
    }
    expect(pages).toBe(5);
    expect(seen).toHaveLength(23);
    expect(new Set(seen).size).toBe(23);
    const expected = [...jobs].sort(
      (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
    expect(seen).toEqual(expected.map((j) => j.id));
  });

  it('filters by status (comma-separated or repeated), batch and creation window', async () => {
    const u = await addTestUser(t);
    const d = (s: number) => new Date(Date.parse('2026-11-20T10:00:00.000Z') + s * 1_000);
    const failed = await stored(u.id, d(1), { status: 'failed' });
    const cancelled = await stored(u.id, d(2), { status: 'cancelled', batchId: 'batch-1' });
    const completed = await stored(u.id, d(3), { status: 'completed', batchId: 'batch-1' });
    await stored(t.userB, d(3), { status: 'completed', batchId: 'batch-1' });
    const queued = await stored(u.id, d(4));
    const ids = async (query: string) => {
      const res = await get(`/api/v1/jobs?${query}`, u.headers);
      expect(res.statusCode).toBe(200);
      return res.json<Page>().items.map((j) => j.id);
    };
    expect(await ids('status=failed,cancelled&sort=asc')).toEqual([failed.id, cancelled.id]);
    expect(await ids('status=failed&status=completed&sort=asc')).toEqual([failed.id, completed.id]);
    expect(await ids('batchId=batch-1')).toEqual([completed.id, cancelled.id]);
    expect(
      await ids(
        `createdAfter=${encodeURIComponent(d(2).toISOString())}&createdBefore=${encodeURIComponent(d(4).toISOString())}`,
      ),
    ).toEqual([completed.id, cancelled.id]);
    expect(await ids('status=queued')).toEqual([queued.id]);
  });

  it.each([
    ['status=finished', 'status'],
    ['status=queued,bogus', 'status'],
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=ten', 'limit'],
    ['createdAfter=yesterday', 'createdAfter'],
    ['createdBefore=2026-13-01T00:00:00Z', 'createdBefore'],
    ['sort=sideways', 'sort'],
  ])('answers 422 with the field for %s', async (query, field) => {
    const res = await get(`/api/v1/jobs?${query}`);
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toBe(PROBLEM);
    const body = res.json<{ code: string; errors: { path: string; location: string }[] }>();
    expect(body.code).toBe('VALIDATION_FAILED');
    expect(body.errors[0]).toMatchObject({ location: 'querystring' });
    expect(body.errors[0]!.path.split('.')[0]).toBe(field);
  });

  it('answers 422 INVALID_CURSOR for a forged cursor or one made for the other sort order', async () => {
    for (let i = 0; i < 3; i += 1) await submit();
    const { nextCursor } = (await get('/api/v1/jobs?limit=1&sort=desc')).json<Page>();
    for (const url of [
      '/api/v1/jobs?cursor=forged',
      `/api/v1/jobs?sort=asc&cursor=${encodeURIComponent(nextCursor!)}`,
    ]) {
      const res = await get(url);
      expect(res.statusCode).toBe(422);
      expect(res.json()).toMatchObject({
        code: 'INVALID_CURSOR',
        errors: [{ path: 'cursor', location: 'querystring' }],
      });
    }
  });
});

describe('POST /api/v1/jobs/{jobId}/cancel', () => {
  it('cancels a queued job at once (200)', async () => {
    const job = await submit();
    const res = await post(`/api/v1/jobs/${job.id}/cancel`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: job.id, status: 'cancelled', cancelRequested: true });
    expect((await t.jobs.findById(job.id))._unsafeUnwrap().status).toBe('cancelled');
    const status = await get(`/api/v1/videos/jobs/${job.id}/status`);
    expect(status.json()).toMatchObject({ status: 'cancelled' });
  });

  it('asks the worker to stop a processing job (202, still processing)', async () => {
    const job = await submit();
    await claim(job.id);
    const res = await post(`/api/v1/jobs/${job.id}/cancel`);
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ status: 'processing', cancelRequested: true });
    const stored = (await t.jobs.findById(job.id))._unsafeUnwrap();
    expect(stored.cancelRequestedAt).not.toBeNull();
    expect((await post(`/api/v1/jobs/${job.id}/cancel`)).statusCode).toBe(202);
  });

  it('answers 409 for a finished job', async () => {
    const job = await t.completedJob();
    const res = await post(`/api/v1/jobs/${job.id}/cancel`);
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({
      code: 'INVALID_JOB_STATE',
      detail: 'Cannot cancel a job that is completed.',
    });
  });
});

describe('POST /api/v1/jobs/{jobId}/retry', () => {
  it('queues a failed job again with its attempts reset', async () => {
    const job = await submit();
    const claimed = await claim(job.id);
    const failed = failJob(claimed, {
      attempt: 1,
      error: { code: 'RENDER_FAILED', message: 'x', retryable: false },
      backoffMs: 0,
      now: new Date(),
    })._unsafeUnwrap();
    (await t.jobs.update(failed))._unsafeUnwrap();

    const res = await post(`/api/v1/jobs/${job.id}/retry`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: job.id, status: 'queued', attempts: 0 });
    expect(res.json()).not.toHaveProperty('error');
    expect((await t.jobs.findById(job.id))._unsafeUnwrap()).toMatchObject({ status: 'queued', attempts: 0 });
  });

  it('queues a cancelled job again', async () => {
    const job = await submit();
    await post(`/api/v1/jobs/${job.id}/cancel`);
    const res = await post(`/api/v1/jobs/${job.id}/retry`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'queued', cancelRequested: false });
  });

  it('answers 409 for a queued or completed job', async () => {
    const queued = await submit();
    const done = await t.completedJob();
    for (const [job, status] of [
      [queued, 'queued'],
      [done, 'completed'],
    ] as const) {
      const res = await post(`/api/v1/jobs/${job.id}/retry`);
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({
        code: 'INVALID_JOB_STATE',
        detail: `Cannot retry a job that is ${status}.`,
      });
    }
  });
});

describe('DELETE /api/v1/jobs/{jobId}', () => {
  it('deletes a completed job, its log and its files, and records an audit row', async () => {
    const job = await t.completedJob();
    const other = await t.completedJob();
    const prefix = `test/${t.userA}/${job.id}/`;
    expect((await t.storage.list(prefix))._unsafeUnwrap()).toHaveLength(3);

    const res = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/jobs/${job.id}`,
      headers: { ...asA, 'x-request-id': 'req-delete-1' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ id: job.id, deleted: true, deletedObjects: 3 });
    expect((await t.storage.list(prefix))._unsafeUnwrap()).toEqual([]);
    expect((await t.storage.list(`test/${t.userA}/${other.id}/`))._unsafeUnwrap()).toHaveLength(3);
    expect((await t.events.list(job.id, { limit: 10 }))._unsafeUnwrap().items).toEqual([]);
    expect((await get(`/api/v1/videos/jobs/${job.id}/status`)).statusCode).toBe(404);
    expect((await get(`/api/v1/jobs/${job.id}/logs`)).statusCode).toBe(404);
    expect((await t.audit.list({ limit: 10, action: 'job.deleted' }))._unsafeUnwrap().items).toEqual([
      expect.objectContaining({
        actorId: t.userA,
        targetType: 'job',
        targetId: job.id,
        requestId: 'req-delete-1',
        detail: { ownerId: t.userA, status: 'completed', deletedObjects: 3 },
      }),
    ]);
  });

  it('answers 409 JOB_PROCESSING telling the client to cancel first, and keeps the job', async () => {
    const job = await submit();
    await claim(job.id);
    const res = await t.app.inject({ method: 'DELETE', url: `/api/v1/jobs/${job.id}`, headers: asA });
    expect(res.statusCode).toBe(409);
    expect(res.headers['content-type']).toBe(PROBLEM);
    expect(res.json<{ code: string; detail: string }>()).toMatchObject({ code: 'JOB_PROCESSING' });
    expect(res.json<{ detail: string }>().detail).toContain(
      `cancel it first (POST /api/v1/jobs/${job.id}/cancel)`,
    );
    expect((await t.jobs.findById(job.id))._unsafeUnwrap().status).toBe('processing');
  });

  it('answers 503 and keeps the job when storage is down', async () => {
    const job = await t.completedJob();
    const original = t.storage.deletePrefix.bind(t.storage);
    const { errAsync } = await import('neverthrow');
    t.storage.deletePrefix = () => errAsync({ type: 'StorageUnavailable', message: 'down', retryable: true });
    try {
      const res = await t.app.inject({ method: 'DELETE', url: `/api/v1/jobs/${job.id}`, headers: asA });
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.json()).toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
    } finally {
      t.storage.deletePrefix = original;
    }
    expect((await t.jobs.findById(job.id))._unsafeUnwrap().status).toBe('completed');
  });
});

describe('GET /api/v1/jobs/{jobId}/logs', () => {
  it('pages through the job’s events and filters by level', async () => {
    const job = await submit();
    await post(`/api/v1/jobs/${job.id}/cancel`);
    const all = (await t.events.list(job.id, { limit: 100 }))._unsafeUnwrap().items;
    expect(all.map((e) => e.message)).toEqual(['Job queued', 'Job cancelled']);

    const first = await get(`/api/v1/jobs/${job.id}/logs?limit=1`);
    expect(first.statusCode).toBe(200);
    const page1 = first.json<{
      items: { id: string; message: string; level: string }[];
      nextCursor: string;
    }>();
    expect(page1.items.map((e) => e.message)).toEqual(['Job queued']);
    const second = await get(
      `/api/v1/jobs/${job.id}/logs?limit=1&cursor=${encodeURIComponent(page1.nextCursor)}`,
    );
    expect(second.json()).toMatchObject({
      items: [{ message: 'Job cancelled', level: 'info' }],
      nextCursor: null,
    });

    const errorsOnly = await get(`/api/v1/jobs/${job.id}/logs?level=warn,error`);
    expect(errorsOnly.json()).toEqual({ items: [], nextCursor: null });
  });

  it('answers 422 for a bad level, limit or cursor', async () => {
    const job = await submit();
    for (const query of ['level=loud', 'limit=501', 'cursor=forged']) {
      const res = await get(`/api/v1/jobs/${job.id}/logs?${query}`);
      expect(res.statusCode).toBe(422);
      expect(res.headers['content-type']).toBe(PROBLEM);
    }
  });
});
