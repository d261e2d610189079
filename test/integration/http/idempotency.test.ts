import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, KEY_A, KEY_B, type TestApp } from '../../support/http-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const PROBLEM = 'application/problem+json; charset=utf-8';
const as = (apiKey: string, idempotencyKey?: string): Record<string, string> => ({
  'x-api-key': apiKey,
  ...(idempotencyKey !== undefined ? { 'idempotency-key': idempotencyKey } : {}),
});

let n = 0;
/** A key no other test uses. */
const freshKey = (): string => `key-${process.pid}-${(n += 1)}-${Math.random().toString(36).slice(2)}`;

const generate = (headers: Record<string, string>, payload: object) =>
  t.app.inject({ method: 'POST', url: '/api/v1/videos/generate', headers, payload });

const totalJobs = async (): Promise<number> =>
  Object.values((await t.jobs.countByStatus())._unsafeUnwrap()).reduce((a, b) => a + b, 0);

describe('Idempotency-Key on POST /api/v1/videos/generate', () => {
  it('replays the stored response for the same key and body, and creates one job', async () => {
    const key = freshKey();
    const before = await totalJobs();
    const first = await generate(as(KEY_A, key), { topic: 'Tides', context: 'The moon pulls.' });
    expect(first.statusCode).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();

    // Same body with keys in another order: the fingerprint is of the canonical JSON.
    const second = await generate(as(KEY_A, key), { context: 'The moon pulls.', topic: 'Tides' });
    expect(second.statusCode).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body).toBe(first.body);
    expect(second.headers.location).toBe(first.headers.location);
    expect(second.headers['content-type']).toBe(first.headers['content-type']);
    expect(await totalJobs()).toBe(before + 1);

    const status = await t.app.inject({
      method: 'GET',
      url: first.headers.location as string,
      headers: as(KEY_A),
    });
    expect(status.json()).toMatchObject({ id: (first.json() as { id: string }).id });
  });

  it('answers 422 IDEMPOTENCY_KEY_REUSED for the same key with another body, creating nothing', async () => {
    const key = freshKey();
    await generate(as(KEY_A, key), { topic: 'Tides' });
    const before = await totalJobs();
    const res = await generate(as(KEY_A, key), { topic: 'Volcanoes' });
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toBe(PROBLEM);
    expect(res.json()).toMatchObject({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(await totalJobs()).toBe(before);
  });

  it('runs 20 concurrent requests with one key once: one job, every answer carries its id', async () => {
    const key = freshKey();
    const before = await totalJobs();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => generate(as(KEY_A, key), { topic: 'Concurrency', priority: 1 })),
    );
    expect(answers.map((a) => a.statusCode)).toEqual(Array(20).fill(201));
    const ids = new Set(answers.map((a) => (a.json() as { id: string }).id));
    expect(ids.size).toBe(1);
    expect(answers.filter((a) => a.headers['idempotent-replayed'] === 'true')).toHaveLength(19);
    expect(await totalJobs()).toBe(before + 1);
  });

  it('keeps keys per user: the same key from two users makes two jobs', async () => {
    const key = freshKey();
    const a = await generate(as(KEY_A, key), { topic: 'Shared key' });
    const b = await generate(as(KEY_B, key), { topic: 'Shared key' });
    expect(a.statusCode).toBe(201);
    expect(b.statusCode).toBe(201);
    expect(b.headers['idempotent-replayed']).toBeUndefined();
    const idA = (a.json() as { id: string }).id;
    const idB = (b.json() as { id: string }).id;
    expect(idA).not.toBe(idB);
    expect((await t.jobs.findById(idB))._unsafeUnwrap().ownerId).toBe(t.userB);
    // And B cannot replay (or see) A's job through the key.
    const again = await generate(as(KEY_B, key), { topic: 'Shared key' });
    expect((again.json() as { id: string }).id).toBe(idB);
  });

  it('stores a 4xx answer from the domain like a success and replays it', async () => {
    const key = freshKey();
    const first = await generate(as(KEY_A, key), { topic: '   ' });
    expect(first.statusCode).toBe(422);
    const second = await generate(as(KEY_A, key), { topic: '   ' });
    expect(second.statusCode).toBe(422);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.headers['content-type']).toBe(PROBLEM);
    expect(second.body).toBe(first.body);
    expect(second.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: 'topic' }] });
  });

  it.each([
    ['too long', 'k'.repeat(256)],
    ['empty', ''],
    ['not printable ASCII', 'tab\there'],
  ])('answers 422 for a key that is %s, creating nothing', async (_name, key) => {
    const before = await totalJobs();
    const res = await generate(as(KEY_A, key), { topic: 'Bad key' });
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toBe(PROBLEM);
    expect(res.json()).toMatchObject({ errors: [expect.objectContaining({ path: 'idempotency-key' })] });
    expect(await totalJobs()).toBe(before);
  });

  it('accepts a 255-character key', async () => {
    const res = await generate(as(KEY_A, `${freshKey()}-`.padEnd(255, 'x')), { topic: 'Long key' });
    expect(res.statusCode).toBe(201);
  });

  it('still answers 401 without credentials, whatever the key', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/videos/generate',
      headers: { 'idempotency-key': freshKey() },
      payload: { topic: 'x' },
    });
    expect(res.statusCode).toBe(401);
  });
});

describe('Idempotency-Key on POST /api/v1/videos/batch', () => {
  it('replays the batch: one batch, same ids, Location kept', async () => {
    const key = freshKey();
    const before = await totalJobs();
    const payload = { name: 'Retry-safe', jobs: [{ topic: 'One' }, { topic: 'Two' }] };
    const first = await t.app.inject({
      method: 'POST',
      url: '/api/v1/videos/batch',
      headers: as(KEY_A, key),
      payload,
    });
    const second = await t.app.inject({
      method: 'POST',
      url: '/api/v1/videos/batch',
      headers: as(KEY_A, key),
      payload,
    });
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body).toBe(first.body);
    expect(second.headers.location).toBe(first.headers.location);
    expect(await totalJobs()).toBe(before + 2);
  });

  it('scopes keys per operation: the same key on /videos/generate is another key', async () => {
    const key = freshKey();
    const batch = await t.app.inject({
      method: 'POST',
      url: '/api/v1/videos/batch',
      headers: as(KEY_A, key),
      payload: { jobs: [{ topic: 'Scoped' }] },
    });
    const single = await generate(as(KEY_A, key), { topic: 'Scoped' });
    expect(batch.statusCode).toBe(201);
    expect(single.statusCode).toBe(201);
    expect(single.headers['idempotent-replayed']).toBeUndefined();
  });
});

describe('OpenAPI', () => {
  it('documents the Idempotency-Key header, the 409/422 answers and the replay header', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    const doc = res.json() as {
      paths: Record<
        string,
        Record<
          string,
          {
            parameters?: { name: string; in: string }[];
            description: string;
            responses: Record<string, unknown>;
          }
        >
      >;
    };
    for (const path of ['/api/v1/videos/generate', '/api/v1/videos/batch']) {
      const op = doc.paths[path]!['post']!;
      expect(op.parameters).toEqual(
        expect.arrayContaining([expect.objectContaining({ name: 'idempotency-key', in: 'header' })]),
      );
      expect(op.description).toContain('Idempotent-Replayed: true');
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['201', '401', '409', '422', '503']));
      expect(op.responses['201']).toMatchObject({
        headers: { 'idempotent-replayed': { schema: { enum: ['true'] } }, location: {} },
        content: { 'application/json': { schema: { $ref: expect.stringMatching(/Job|Batch/) } } },
      });
    }
    expect(doc.paths['/api/v1/videos/batch/{batchId}']!['get']!.responses).toHaveProperty('404');
    expect(doc.paths['/api/v1/videos/batch/{batchId}/cancel']!['post']!.responses).toHaveProperty('404');
  });
});
