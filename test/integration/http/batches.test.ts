import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimJob, completeJob, failJob, reportProgress, type Job } from '../../../src/domain/job.js';
import { createTestApp, KEY_A, KEY_B, type TestApp } from '../../support/http-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ BATCH_MAX_JOBS: '5' });
});
afterAll(async () => {
  await t.close();
});

const asA = { 'x-api-key': KEY_A };
const asB = { 'x-api-key': KEY_B };
const PROBLEM = 'application/problem+json; charset=utf-8';

interface BatchBody {
  id: string;
  name: string | null;
  jobIds: string[];
  counts: Record<'queued' | 'processing' | 'completed' | 'failed' | 'cancelled', number>;
  total: number;
  progress: number;
  createdAt: string;
  links: { self: string; cancel: string };
}

const specs = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ topic: `Topic ${i}`, context: 'One. Two.' }));

async function submit(payload: object, headers: Record<string, string> = asA) {
  return t.app.inject({ method: 'POST', url: '/api/v1/videos/batch', headers, payload });
}

async function submitted(n = 3, name?: string): Promise<BatchBody> {
  const res = await submit({ jobs: specs(n), ...(name !== undefined ? { name } : {}) });
  expect(res.statusCode).toBe(201);
  return res.json();
}

const stored = async (id: string): Promise<Job> => (await t.jobs.findById(id))._unsafeUnwrap();
const save = async (job: Job): Promise<Job> => (await t.jobs.update(job))._unsafeUnwrap();
const claimed = async (id: string): Promise<Job> =>
  save(claimJob(await stored(id), { workerId: 'w', leaseMs: 60_000, now: new Date() })._unsafeUnwrap());

async function getBatch(id: string, headers: Record<string, string> = asA) {
  return t.app.inject({ method: 'GET', url: `/api/v1/videos/batch/${id}`, headers });
}

describe('POST /api/v1/videos/batch', () => {
  it('answers 201 with the batch and a Location; every job is queued with the batch id', async () => {
    const res = await submit({ name: 'Geometry week 1', jobs: specs(3) });
    expect(res.statusCode).toBe(201);
    const batch = res.json() as BatchBody;
    expect(batch).toMatchObject({
      name: 'Geometry week 1',
      counts: { queued: 3, processing: 0, completed: 0, failed: 0, cancelled: 0 },
      total: 3,
      progress: 0,
    });
    expect(batch.jobIds).toHaveLength(3);
    expect(res.headers.location).toBe(`/api/v1/videos/batch/${batch.id}`);
    expect(batch.links.self).toBe(res.headers.location);
    for (const [i, id] of batch.jobIds.entries()) {
      const job = await stored(id);
      expect(job).toMatchObject({ status: 'queued', batchId: batch.id, ownerId: t.userA });
      expect(job.spec.topic).toBe(`Topic ${i}`);
    }
    const status = await t.app.inject({
      method: 'GET',
      url: `/api/v1/videos/jobs/${batch.jobIds[0]}/status`,
      headers: asA,
    });
    expect(status.json()).toMatchObject({ id: batch.jobIds[0], status: 'queued' });
  });

  it('keeps each spec’s priority', async () => {
    const res = await submit({
      jobs: [
        { topic: 'Low', priority: -3 },
        { topic: 'High', priority: 7 },
      ],
    });
    const batch = res.json() as BatchBody;
    expect((await stored(batch.jobIds[0]!)).priority).toBe(-3);
    expect((await stored(batch.jobIds[1]!)).priority).toBe(7);
  });

  it('answers 422 naming the limit over BATCH_MAX_JOBS, and creates nothing', async () => {
    const before = (await t.jobs.countByStatus())._unsafeUnwrap().queued;
    const res = await submit({ jobs: specs(6) });
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toBe(PROBLEM);
    const problem = res.json() as { code: string; detail: string; errors: unknown[] };
    expect(problem.code).toBe('BATCH_TOO_LARGE');
    expect(problem.detail).toContain('limit is 5');
    expect(problem.detail).toContain('split it into batches of at most 5');
    expect(problem.errors).toEqual([{ path: 'jobs', message: 'must list at most 5 jobs', location: 'body' }]);
    expect((await t.jobs.countByStatus())._unsafeUnwrap().queued).toBe(before);
  });

  it.each([
    ['missing (schema)', {}, 'is required'],
    ['blank (domain rule)', { topic: '   ' }, 'must not be empty'],
  ])(
    'answers 422 with jobs.3.topic for a topic %s in position 3, and creates nothing',
    async (_n, bad, message) => {
      const before = (await t.jobs.countByStatus())._unsafeUnwrap().queued;
      const jobs: unknown[] = specs(5);
      jobs[3] = bad;
      const res = await submit({ jobs });
      expect(res.statusCode).toBe(422);
      const problem = res.json() as { code: string; errors: { path: string; message: string }[] };
      expect(problem.code).toBe('VALIDATION_FAILED');
      expect(problem.errors).toEqual([expect.objectContaining({ path: 'jobs.3.topic', message })]);
      expect((await t.jobs.countByStatus())._unsafeUnwrap().queued).toBe(before);
    },
  );

  it('answers 422 for an empty list and a blank name', async () => {
    const empty = await submit({ jobs: [] });
    expect(empty.statusCode).toBe(422);
    expect(empty.json()).toMatchObject({ errors: [expect.objectContaining({ path: 'jobs' })] });
    const blank = await submit({ jobs: specs(1), name: '  ' });
    expect(blank.statusCode).toBe(422);
    expect(blank.json()).toMatchObject({ errors: [{ path: 'name', message: 'must not be empty' }] });
  });

  it('answers 401 without credentials, before validating the body', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/videos/batch', payload: {} });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toBe(PROBLEM);
  });
});

describe('GET /api/v1/videos/batch/{batchId}', () => {
  it('counts the jobs by status and aggregates progress as they move', async () => {
    const batch = await submitted(4, 'moving');
    const [a, b, c, d] = batch.jobIds as [string, string, string, string];

    const first = (await getBatch(batch.id)).json() as BatchBody;
    expect(first).toMatchObject({
      id: batch.id,
      name: 'moving',
      jobIds: batch.jobIds,
      counts: { queued: 4, processing: 0, completed: 0, failed: 0, cancelled: 0 },
      progress: 0,
      createdAt: batch.createdAt,
    });

    const runningA = await claimed(a);
    await save(
      reportProgress(runningA, {
        attempt: 1,
        stage: 'rendering',
        percent: 40,
        now: new Date(),
      })._unsafeUnwrap(),
    );
    const runningB = await claimed(b);
    await save(
      completeJob(runningB, {
        attempt: 1,
        now: new Date(),
        result: {
          videoKey: 'k/v.mp4',
          thumbnailKey: 'k/t.jpg',
          subtitlesKey: 'k/s.vtt',
          sizeBytes: 10,
          durationSeconds: 1,
          width: 640,
          height: 360,
          fps: 15,
          videoCodec: 'h264',
          audioCodec: 'aac',
          bitrate: 1,
          sha256: 'x'.repeat(64),
        },
      })._unsafeUnwrap(),
    );
    const runningC = await claimed(c);
    await save(
      failJob(runningC, {
        attempt: 1,
        now: new Date(),
        backoffMs: 0,
        error: { code: 'RENDER_FAILED', message: 'boom', retryable: false },
      })._unsafeUnwrap(),
    );

    const later = (await getBatch(batch.id)).json() as BatchBody;
    // A 40 %, B completed (100), C failed (100), D queued (0): mean 60 %. D still queued: one
    // job's failure leaves the others running.
    expect(later.counts).toEqual({ queued: 1, processing: 1, completed: 1, failed: 1, cancelled: 0 });
    expect(later.progress).toBe(60);
    expect((await stored(d)).status).toBe('queued');
  });

  it('answers 404 for another user’s batch, exactly like a missing one', async () => {
    const batch = await submitted(1);
    const other = await getBatch(batch.id, asB);
    const missing = await getBatch('no-such-batch', asB);
    expect(other.statusCode).toBe(404);
    expect(missing.statusCode).toBe(404);
    const strip = (b: Record<string, unknown>) => ({
      ...b,
      detail: undefined,
      instance: undefined,
      requestId: undefined,
    });
    expect(strip(other.json())).toEqual(strip(missing.json()));
    expect(other.json()).toMatchObject({ code: 'BATCH_NOT_FOUND' });
  });

  it('answers 401 without credentials', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/videos/batch/x' });
    expect(res.statusCode).toBe(401);
  });
});

describe('POST /api/v1/videos/batch/{batchId}/cancel', () => {
  it('cancels queued jobs, asks processing ones to stop, leaves ended ones', async () => {
    const batch = await submitted(3);
    const [a, b, c] = batch.jobIds as [string, string, string];
    await claimed(b);
    const runningC = await claimed(c);
    await save(
      failJob(runningC, {
        attempt: 1,
        now: new Date(),
        backoffMs: 0,
        error: { code: 'X', message: 'x', retryable: false },
      })._unsafeUnwrap(),
    );

    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/videos/batch/${batch.id}/cancel`,
      headers: asA,
    });
    expect(res.statusCode).toBe(200);
    expect((res.json() as BatchBody).counts).toEqual({
      queued: 0,
      processing: 1,
      completed: 0,
      failed: 1,
      cancelled: 1,
    });
    expect(await stored(a)).toMatchObject({ status: 'cancelled' });
    expect((await stored(b)).cancelRequestedAt).not.toBeNull();
    expect(await stored(c)).toMatchObject({ status: 'failed', cancelRequestedAt: null });

    const again = await t.app.inject({
      method: 'POST',
      url: `/api/v1/videos/batch/${batch.id}/cancel`,
      headers: asA,
    });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(res.json());
  });

  it('answers 404 for another user’s batch and changes nothing', async () => {
    const batch = await submitted(1);
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/videos/batch/${batch.id}/cancel`,
      headers: asB,
    });
    expect(res.statusCode).toBe(404);
    expect(await stored(batch.jobIds[0]!)).toMatchObject({ status: 'queued', cancelRequestedAt: null });
  });

  it('answers 401 without credentials', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/videos/batch/x/cancel' });
    expect(res.statusCode).toBe(401);
  });
});
