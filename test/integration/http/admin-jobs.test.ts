import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimJob } from '../../../src/domain/job.js';
import { createTestApp, KEY_A, KEY_B, type TestApp } from '../../support/http-app.js';
import { addTestUser } from '../../support/http-users.js';

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

async function submitAs(headers: Record<string, string>, topic = 'Admin view'): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/videos/generate',
    headers,
    payload: { topic },
  });
  expect(res.statusCode).toBe(201);
  return res.json<{ id: string }>().id;
}

describe('GET /api/v1/system/jobs', () => {
  it('answers 401 without credentials and 403 to an ordinary user, recording nothing', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/system/jobs' })).statusCode).toBe(401);
    const before = (await t.audit.list({ limit: 100 }))._unsafeUnwrap().items.length;
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/system/jobs', headers: asB });
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toBe(PROBLEM);
    expect(res.json()).toMatchObject({ code: 'FORBIDDEN' });
    expect((await t.audit.list({ limit: 100 }))._unsafeUnwrap().items).toHaveLength(before);
  });

  it('lists every user’s jobs with their owners for the admin, filtered by owner, and audits it', async () => {
    const u = await addTestUser(t);
    const mine = await submitAs(u.headers);
    const theirs = await submitAs(asB);
    const all = await t.app.inject({ method: 'GET', url: '/api/v1/system/jobs?limit=100', headers: asA });
    expect(all.statusCode).toBe(200);
    const items = all.json<{ items: { id: string; ownerId: string }[] }>().items;
    expect(items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: mine, ownerId: u.id }),
        expect.objectContaining({ id: theirs, ownerId: t.userB }),
      ]),
    );

    const one = await t.app.inject({
      method: 'GET',
      url: `/api/v1/system/jobs?ownerId=${u.id}&status=queued`,
      headers: { ...asA, 'x-request-id': 'req-admin-list' },
    });
    expect(one.json()).toMatchObject({ items: [{ id: mine, ownerId: u.id }], nextCursor: null });
    const [latest] = (await t.audit.list({ limit: 1 }))._unsafeUnwrap().items;
    expect(latest).toMatchObject({
      actorId: t.userA,
      action: 'jobs.admin-listed',
      requestId: 'req-admin-list',
      detail: { filters: { ownerId: u.id, statuses: ['queued'], sort: 'desc', paged: false }, returned: 1 },
    });
  });

  it('lets a key with the admin scope in, and pages without duplicates', async () => {
    const svc = await addTestUser(t, { scopes: ['admin'] });
    const u = await addTestUser(t);
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) ids.push(await submitAs(u.headers));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/v1/system/jobs?ownerId=${u.id}&limit=2&sort=asc${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await t.app.inject({ method: 'GET', url, headers: svc.headers });
      expect(res.statusCode).toBe(200);
      const page = res.json<{ items: { id: string }[]; nextCursor: string | null }>();
      seen.push(...page.items.map((j) => j.id));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual(ids);
  });

  it('answers 422 for a bad filter', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/system/jobs?status=lost', headers: asA });
    expect(res.statusCode).toBe(422);
  });
});

describe('POST /api/v1/system/jobs/{jobId}/cancel', () => {
  it('answers 401 without credentials and 403 to an ordinary user, leaving the job alone', async () => {
    const job = await submitAs(asA);
    expect(
      (await t.app.inject({ method: 'POST', url: `/api/v1/system/jobs/${job}/cancel` })).statusCode,
    ).toBe(401);
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/system/jobs/${job}/cancel`,
      headers: asB,
    });
    expect(res.statusCode).toBe(403);
    expect((await t.jobs.findById(job))._unsafeUnwrap().status).toBe('queued');
  });

  it('lets the admin cancel another user’s queued (200) and processing (202) jobs, audited', async () => {
    const queued = await submitAs(asB);
    const running = await submitAs(asB);
    const job = (await t.jobs.findById(running))._unsafeUnwrap();
    (
      await t.jobs.update(claimJob(job, { workerId: 'w', leaseMs: 60_000, now: new Date() })._unsafeUnwrap())
    )._unsafeUnwrap();

    const first = await t.app.inject({
      method: 'POST',
      url: `/api/v1/system/jobs/${queued}/cancel`,
      headers: asA,
    });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ id: queued, status: 'cancelled' });
    const second = await t.app.inject({
      method: 'POST',
      url: `/api/v1/system/jobs/${running}/cancel`,
      headers: asA,
    });
    expect(second.statusCode).toBe(202);
    expect(second.json()).toMatchObject({ id: running, status: 'processing', cancelRequested: true });

    const rows = (await t.audit.list({ limit: 10, action: 'job.admin-cancelled' }))._unsafeUnwrap().items;
    expect(rows.slice(0, 2).map((r) => [r.targetId, r.detail])).toEqual([
      [running, { ownerId: t.userB, previousStatus: 'processing', status: 'processing' }],
      [queued, { ownerId: t.userB, previousStatus: 'queued', status: 'cancelled' }],
    ]);
  });

  it('answers 404 for an unknown job and 409 for a finished one', async () => {
    expect(
      (await t.app.inject({ method: 'POST', url: '/api/v1/system/jobs/nope/cancel', headers: asA }))
        .statusCode,
    ).toBe(404);
    const done = await t.completedJob();
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/system/jobs/${done.id}/cancel`,
      headers: asA,
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'INVALID_JOB_STATE' });
  });
});
