import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../support/http-app.js';
import { addTestUser } from '../../support/http-users.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

async function submitAs(headers: Record<string, string>, topic: string): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/videos/generate',
    headers,
    payload: { topic },
  });
  expect(res.statusCode).toBe(201);
  return res.json<{ id: string }>().id;
}

describe('/api/v1/dashboard routes', () => {
  it.each(['/api/v1/dashboard/stats', '/api/v1/dashboard/recent-jobs'])(
    'GET %s answers 401 without credentials',
    async (url) => {
      expect((await t.app.inject({ method: 'GET', url })).statusCode).toBe(401);
    },
  );

  it('GET /dashboard/stats answers the caller’s figures only', async () => {
    const u = await addTestUser(t);
    const other = await addTestUser(t);
    const first = await submitAs(u.headers, 'One');
    await submitAs(u.headers, 'Two');
    await submitAs(other.headers, 'Not counted');
    await t.app.inject({ method: 'POST', url: `/api/v1/jobs/${first}/cancel`, headers: u.headers });

    const res = await t.app.inject({ method: 'GET', url: '/api/v1/dashboard/stats', headers: u.headers });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      counts: { queued: 1, processing: 0, completed: 0, failed: 0, cancelled: 1 },
      total: 2,
      completedLast24h: 0,
      averageProcessingSeconds: null,
      p95ProcessingSeconds: null,
      storedBytes: 0,
      successRate: null,
      active: 1,
      windowHours: 24,
    });
  });

  it('GET /dashboard/recent-jobs answers the newest jobs, 10 by default', async () => {
    const u = await addTestUser(t);
    const ids: string[] = [];
    for (let i = 0; i < 12; i += 1) ids.push(await submitAs(u.headers, `Job ${i}`));
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/dashboard/recent-jobs',
      headers: u.headers,
    });
    expect(res.statusCode).toBe(200);
    const items = res.json<{ items: { id: string; topic: string }[] }>().items;
    expect(items.map((j) => j.id)).toEqual(ids.slice(2).reverse());
    const three = await t.app.inject({
      method: 'GET',
      url: '/api/v1/dashboard/recent-jobs?limit=3',
      headers: u.headers,
    });
    expect(three.json<{ items: unknown[] }>().items).toHaveLength(3);
  });

  it.each(['limit=0', 'limit=51', 'limit=many'])(
    'GET /dashboard/recent-jobs?%s answers 422',
    async (query) => {
      const u = await addTestUser(t);
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/v1/dashboard/recent-jobs?${query}`,
        headers: u.headers,
      });
      expect(res.statusCode).toBe(422);
      expect(res.json()).toMatchObject({
        code: 'VALIDATION_FAILED',
        errors: [{ path: 'limit', location: 'querystring' }],
      });
    },
  );
});
