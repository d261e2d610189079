import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { T } from '../../../src/container/tokens.js';
import { claimJob, failJob } from '../../../src/domain/job.js';
import { createTestApp, KEY_A, KEY_B, type TestApp } from '../../support/http-app.js';

describe('admin maintenance routes', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  const submitAsB = async (): Promise<string> => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/videos/generate',
      headers: { 'x-api-key': KEY_B },
      payload: { topic: 'Doomed', quality: 'preview' },
    });
    expect(res.statusCode).toBe(201);
    return (res.json() as { id: string }).id;
  };

  describe('GET /system/jobs/failed', () => {
    it('answers 401 without credentials and 403 for a non-admin', async () => {
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/system/jobs/failed' })).statusCode).toBe(401);
      const res = await t.app.inject({
        method: 'GET',
        url: '/api/v1/system/jobs/failed',
        headers: { 'x-api-key': KEY_B },
      });
      expect(res.statusCode).toBe(403);
      expect(res.headers['content-type']).toContain('application/problem+json');
    });

    it('lists failed jobs of every user with the last error and every attempt’s error', async () => {
      const id = await submitAsB();
      await submitAsB(); // queued: not in the view
      const now = new Date();
      const errors = [
        {
          code: 'LEASE_EXPIRED',
          message: 'worker w1 stopped renewing its lease in attempt 1',
          retryable: true,
        },
        { code: 'RENDER_FAILED', message: 'narration: unknown voice', retryable: false },
      ];
      let job = (await t.jobs.findById(id))._unsafeUnwrap();
      for (const [i, error] of errors.entries()) {
        job = claimJob(job, { workerId: 'w1', leaseMs: 60_000, now })._unsafeUnwrap();
        job = (await t.jobs.update(job))._unsafeUnwrap();
        job = failJob(job, { attempt: i + 1, error, backoffMs: 0, now })._unsafeUnwrap();
        job = (await t.jobs.update(job))._unsafeUnwrap();
        await t.events.append({
          id: `e${i}`,
          jobId: id,
          at: now,
          level: 'error',
          stage: 'lifecycle',
          message: 'attempt failed',
          data: { attempt: i + 1, error },
        });
      }
      expect(job.status).toBe('failed');

      const res = await t.app.inject({
        method: 'GET',
        url: '/api/v1/system/jobs/failed?limit=10',
        headers: { 'x-api-key': KEY_A },
      });

      expect(res.statusCode).toBe(200);
      const body = res.json() as { items: Record<string, unknown>[]; nextCursor: string | null };
      expect(body.nextCursor).toBeNull();
      expect(body.items).toHaveLength(1);
      expect(body.items[0]).toMatchObject({
        id,
        ownerId: t.userB,
        attempts: 2,
        maxAttempts: 3,
        error: errors[1],
        attemptErrors: [
          { attempt: 1, error: errors[0] },
          { attempt: 2, error: errors[1] },
        ],
      });
    });

    it('answers 422 for an invalid limit', async () => {
      const res = await t.app.inject({
        method: 'GET',
        url: '/api/v1/system/jobs/failed?limit=0',
        headers: { 'x-api-key': KEY_A },
      });
      expect(res.statusCode).toBe(422);
    });
  });

  describe('DELETE /system/users/{userId}/data', () => {
    it('answers 401 without credentials and 403 for a non-admin', async () => {
      const url = `/api/v1/system/users/${t.userB}/data`;
      expect((await t.app.inject({ method: 'DELETE', url })).statusCode).toBe(401);
      const res = await t.app.inject({ method: 'DELETE', url, headers: { 'x-api-key': KEY_B } });
      expect(res.statusCode).toBe(403);
    });

    it('deletes every job, file, upload, configuration and batch of the user, and only theirs, with an audit row', async () => {
      const jobIds = [await submitAsB(), await submitAsB()];
      const batch = await t.app.inject({
        method: 'POST',
        url: '/api/v1/videos/batch',
        headers: { 'x-api-key': KEY_B },
        payload: { name: 'to delete', jobs: [{ topic: 'Batched' }] },
      });
      expect(batch.statusCode).toBe(201);
      const batchId = (batch.json() as { id: string; jobIds: string[] }).id;
      jobIds.push(...(batch.json() as { jobIds: string[] }).jobIds);
      // One of B's jobs is running: deleting its row makes its worker stop.
      const running = (await t.jobs.findById(jobIds[1]!))._unsafeUnwrap();
      (
        await t.jobs.update(
          claimJob(running, { workerId: 'w', leaseMs: 60_000, now: new Date() })._unsafeUnwrap(),
        )
      )._unsafeUnwrap();
      const put = async (key: string): Promise<void> => {
        (
          await t.storage.putStream(key, Readable.from([Buffer.from('x')]), { contentType: 'image/png' })
        )._unsafeUnwrap();
      };
      await put(`test/${t.userB}/${jobIds[0]}/attempt-1/video.mp4`);
      await put(`test/${t.userB}/uploads/up-1`);
      const uploads = await t.container.resolve(T.uploads);
      (
        await uploads.insert({
          id: 'up-1',
          ownerId: t.userB,
          storageKey: `test/${t.userB}/uploads/up-1`,
          fileName: 'logo.png',
          mediaType: 'image/png',
          kind: 'image',
          sizeBytes: 1,
          sha256: 'x',
          purpose: 'logo',
          versionId: null,
          createdAt: new Date(),
        })
      )._unsafeUnwrap();
      const configs = await t.container.resolve(T.configurations);
      const created = await t.app.inject({
        method: 'POST',
        url: '/api/v1/configurations',
        headers: { 'x-api-key': KEY_B },
        payload: { name: 'mine', defaults: { quality: 'preview' } },
      });
      expect(created.statusCode).toBe(201);
      const keptJob = await t.completedJob();

      const res = await t.app.inject({
        method: 'DELETE',
        url: `/api/v1/system/users/${t.userB}/data`,
        headers: { 'x-api-key': KEY_A },
      });

      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        userId: t.userB,
        deletedJobs: 3,
        deletedObjects: 2,
        deletedUploads: 1,
        deletedConfigurations: 1,
        deletedBatches: 1,
      });
      const batchAfter = await t.app.inject({
        method: 'GET',
        url: `/api/v1/videos/batch/${batchId}`,
        headers: { 'x-api-key': KEY_B },
      });
      expect(batchAfter.statusCode).toBe(404);
      for (const id of jobIds) expect((await t.jobs.findById(id)).isErr()).toBe(true);
      expect((await t.storage.list(`test/${t.userB}/`))._unsafeUnwrap()).toEqual([]);
      expect((await uploads.list({ ownerId: t.userB, limit: 10 }))._unsafeUnwrap().items).toEqual([]);
      expect((await configs.list({ ownerId: t.userB, limit: 10 }))._unsafeUnwrap().items).toEqual([]);
      // User A's data is untouched.
      expect((await t.jobs.findById(keptJob.id))._unsafeUnwrap().status).toBe('completed');
      expect((await t.storage.list(`test/${t.userA}/`))._unsafeUnwrap()).toHaveLength(3);
      const audit = (await t.audit.list({ action: 'user.data-deleted', limit: 10 }))._unsafeUnwrap().items;
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ actorId: t.userA, targetType: 'user', targetId: t.userB });

      // Idempotent: again, nothing left to delete.
      const again = await t.app.inject({
        method: 'DELETE',
        url: `/api/v1/system/users/${t.userB}/data`,
        headers: { 'x-api-key': KEY_A },
      });
      expect(again.json()).toMatchObject({ deletedJobs: 0, deletedObjects: 0, deletedBatches: 0 });
    });
  });
});
