import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, KEY_A, KEY_B, type TestApp } from '../../support/http-app.js';
import { addTestUser } from '../../support/http-users.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const PROBLEM = 'application/problem+json; charset=utf-8';

describe('/users/me routes', () => {
  it.each([
    ['GET', '/api/v1/users/me'],
    ['GET', '/api/v1/users/me/preferences'],
    ['PUT', '/api/v1/users/me/preferences'],
  ] as const)('%s %s answers 401 without credentials', async (method, url) => {
    const res = await t.app.inject({ method, url, ...(method === 'PUT' ? { payload: {} } : {}) });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toBe(PROBLEM);
  });
});

describe('GET /api/v1/users/me', () => {
  it('answers the profile and statistics of the caller’s jobs', async () => {
    const u = await addTestUser(t);
    for (const topic of ['One', 'Two'])
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/videos/generate',
        headers: u.headers,
        payload: { topic },
      });
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/users/me', headers: u.headers });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      id: u.id,
      email: `${u.id}@example.com`,
      role: 'user',
      scopes: ['jobs'],
      authenticatedVia: 'api-key',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      statistics: {
        counts: { queued: 2, processing: 0, completed: 0, failed: 0, cancelled: 0 },
        total: 2,
        completedLast24h: 0,
        averageProcessingSeconds: null,
        p95ProcessingSeconds: null,
        storedBytes: 0,
      },
    });
  });

  it('answers the bootstrap admin as an admin, with its completed jobs counted', async () => {
    const done = await t.completedJob();
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/users/me',
      headers: { 'x-api-key': KEY_A },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json<{
      id: string;
      role: string;
      statistics: { counts: { completed: number }; storedBytes: number };
    }>();
    expect(body).toMatchObject({ id: t.userA, role: 'admin' });
    expect(body.statistics.counts.completed).toBeGreaterThanOrEqual(1);
    expect(body.statistics.storedBytes).toBeGreaterThanOrEqual(done.result!.sizeBytes);
  });
});

describe('/api/v1/users/me/preferences', () => {
  const valid = {
    defaultQuality: 'high',
    defaultAspectRatio: '9:16',
    defaultVoice: 'en-gb',
    defaultLanguage: 'en',
    defaultNarration: false,
    defaultWebhookUrl: 'https://example.com/hooks/framecast',
    extra: { theme: 'dark', columns: ['status', 'topic'] },
  };

  it('starts empty, stores what PUT sends, and replaces it on the next PUT', async () => {
    const u = await addTestUser(t);
    const get = () =>
      t.app.inject({ method: 'GET', url: '/api/v1/users/me/preferences', headers: u.headers });
    const put = (payload: object) =>
      t.app.inject({ method: 'PUT', url: '/api/v1/users/me/preferences', headers: u.headers, payload });
    expect((await get()).json()).toEqual({});

    const first = await put(valid);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual(valid);
    expect((await get()).json()).toEqual(valid);

    const second = await put({ defaultQuality: 'low' });
    expect(second.json()).toEqual({ defaultQuality: 'low' });
    expect((await get()).json()).toEqual({ defaultQuality: 'low' });
    // Another user's preferences are untouched.
    const b = await t.app.inject({
      method: 'GET',
      url: '/api/v1/users/me/preferences',
      headers: { 'x-api-key': KEY_B },
    });
    expect(b.json()).not.toEqual({ defaultQuality: 'low' });
  });

  it('answers 422 with every invalid field path and keeps the stored preferences', async () => {
    const u = await addTestUser(t);
    await t.app.inject({
      method: 'PUT',
      url: '/api/v1/users/me/preferences',
      headers: u.headers,
      payload: { defaultQuality: 'medium' },
    });
    const res = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/users/me/preferences',
      headers: u.headers,
      payload: {
        defaultVoice: 'not a voice!',
        defaultWebhookUrl: 'ftp://example.com/x',
        defaultLanguage: 'xx_YY',
      },
    });
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toBe(PROBLEM);
    const body = res.json<{ code: string; errors: { path: string; location: string }[] }>();
    expect(body.code).toBe('VALIDATION_FAILED');
    expect(body.errors.map((e) => e.path).sort()).toEqual([
      'defaultLanguage',
      'defaultVoice',
      'defaultWebhookUrl',
    ]);
    expect(body.errors.every((e) => e.location === 'body')).toBe(true);
    const stored = await t.app.inject({
      method: 'GET',
      url: '/api/v1/users/me/preferences',
      headers: u.headers,
    });
    expect(stored.json()).toEqual({ defaultQuality: 'medium' });
  });

  it.each([
    ['an unknown quality', { defaultQuality: 'ultra' }, 'defaultQuality'],
    ['an unknown field', { colour: 'blue' }, ''],
    ['an extra of more than 4 KB', { extra: { blob: 'x'.repeat(4_100) } }, 'extra'],
    ['a non-boolean narration', { defaultNarration: 'yes' }, 'defaultNarration'],
  ])('answers 422 for %s', async (_name, payload, path) => {
    const u = await addTestUser(t);
    const res = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/users/me/preferences',
      headers: u.headers,
      payload,
    });
    expect(res.statusCode).toBe(422);
    const errors = res.json<{ errors: { path: string }[] }>().errors;
    if (path !== '') expect(errors.map((e) => e.path)).toContain(path);
    else expect(errors.length).toBeGreaterThan(0);
  });
});
