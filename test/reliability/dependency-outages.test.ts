import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateRedis, type PrivateRedis } from '../support/redis.js';
import { startS3Server, type S3TestServer } from '../support/s3rver.js';
import {
  Cluster,
  createDatabase,
  printTable,
  ROUNDS,
  sleep,
  TERMINAL,
  TEST_DATABASE_URL,
  type ScenarioResult,
} from './harness.js';

/**
 * Outages of the object store and of Redis under real processes: an S3 outage while a job
 * uploads (the job retries and completes, never `completed` with a missing object); a Redis
 * outage (submit, status and download keep working; live progress resumes after).
 */
describe.skipIf(TEST_DATABASE_URL === undefined)('reliability: dependency outages', () => {
  let database: { url: string; drop(): Promise<void> };
  let s3: S3TestServer;
  let redis: PrivateRedis | null = null;
  let cluster: Cluster;
  const results: ScenarioResult[] = [];

  beforeAll(async () => {
    database = await createDatabase(TEST_DATABASE_URL!);
    s3 = await startS3Server({ bucket: 'framecast-reliability-outages' });
    redis = await startPrivateRedis().catch(() => null);
    // Retries spread over longer than the outage plus the S3 breaker's 10 s cool-down.
    cluster = new Cluster({
      databaseUrl: database.url,
      s3,
      redisUrl: redis?.url,
      env: { QUEUE_MAX_ATTEMPTS: '5', QUEUE_BACKOFF_BASE_SECONDS: '3', QUEUE_BACKOFF_MAX_SECONDS: '20' },
    });
    await cluster.start(1);
  }, 120_000);

  afterAll(async () => {
    printTable('Dependency outages', results);
    await cluster?.stop();
    await s3?.stop();
    await redis?.stop();
    await database?.drop();
  }, 60_000);

  it('S3 outage during the upload: the job retries and completes, never completed with a missing object', async () => {
    const ids: string[] = [];
    let maxRecovery = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      const id = await cluster.submit({ topic: `S3 outage ${round}`, narration: false });
      ids.push(id);
      const late = await cluster.waitFor(
        id,
        (r) =>
          r.status === 'processing' && ['thumbnail', 'uploading', 'composing'].includes(r.progress_stage),
        60_000,
        10,
      );
      expect(late).not.toBeNull();
      await s3.suspend();
      const downAt = performance.now();
      // While the store is down the job must not complete (its files cannot be stored).
      const during = await cluster.waitFor(id, (r) => r.status === 'completed', 4_000, 100);
      expect(during, 'completed while the object store was down').toBeNull();
      await s3.resume();
      const done = await cluster.waitFor(id, (r) => TERMINAL.includes(r.status), 120_000, 100);
      expect(done?.row.status, JSON.stringify(done?.row.error)).toBe('completed');
      maxRecovery = Math.max(maxRecovery, (done!.at - downAt) / 1000 - 4);
    }
    const swept = await cluster.sweepOrphans();
    const check = await cluster.checkInvariants(ids, { expectStatus: 'completed' });
    const { rows } = await cluster.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM job_events WHERE job_id = ANY($1) AND data->'error'->>'code' = 'STORAGE_UNAVAILABLE'`,
      [ids],
    );
    results.push({
      scenario: 'S3 outage during upload (4 s)',
      runs: ROUNDS,
      jobs: ids.length,
      lost: check.lost,
      duplicated: check.duplicated,
      stuck: check.stuck,
      maxRecoverySeconds: maxRecovery,
      notes: `${rows[0]!.n} attempt(s) failed STORAGE_UNAVAILABLE; ${swept.orphanedObjects} orphans swept; recovery = S3 back to completed`,
    });
    expect(check.problems).toEqual([]);
  }, 400_000);

  it('Redis outage: submit, status and download keep working; live progress resumes after', async () => {
    if (redis === null) {
      if (process.env['REQUIRE_SERVICES'] === '1')
        throw new Error('redis-server is needed for the Redis outage');
      return;
    }
    const before = await cluster.submit({ topic: 'Before the Redis outage', narration: false });
    await cluster.waitTerminal([before], 120_000);
    const ids = [before];
    let maxRecovery = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      await redis.stop();
      const timed = async (f: () => Promise<Response>): Promise<{ status: number; ms: number }> => {
        const started = performance.now();
        const res = await f();
        await res.arrayBuffer();
        return { status: res.status, ms: performance.now() - started };
      };
      let during = '';
      const submitted = await timed(async () => {
        const res = await cluster.api$('/videos/generate', {
          method: 'POST',
          body: JSON.stringify({
            topic: `During the Redis outage ${round}`,
            quality: 'preview',
            narration: false,
          }),
        });
        during = ((await res.clone().json()) as { id: string }).id;
        return res;
      });
      const status = await timed(() => cluster.api$(`/videos/jobs/${before}/status`));
      const download = await timed(() =>
        cluster.api$(`/videos/jobs/${before}/download`, { headers: { range: 'bytes=0-1023' } }),
      );
      expect([submitted.status, status.status, download.status]).toEqual([201, 200, 206]);
      for (const r of [submitted, status, download]) expect(r.ms).toBeLessThan(1_500);
      ids.push(during);
      await cluster.waitTerminal([during], 120_000);
      await redis.start();
      const backAt = performance.now();
      // Live progress after the outage: a new job's SSE stream shows it processing and completed.
      const after = await cluster.submit({ topic: `After the Redis outage ${round}`, narration: false });
      ids.push(after);
      const stream = await cluster.api$(`/videos/jobs/${after}/events`, {
        headers: { accept: 'text/event-stream' },
      });
      expect(stream.status).toBe(200);
      const text = await readUntil(stream, /"status":"completed"/, 60_000);
      expect(text).toContain('"status":"processing"');
      expect(text).toContain('"status":"completed"');
      maxRecovery = Math.max(maxRecovery, (performance.now() - backAt) / 1000);
    }
    await cluster.waitTerminal(ids, 120_000);
    const check = await cluster.checkInvariants(ids, { expectStatus: 'completed' });
    results.push({
      scenario: 'Redis outage',
      runs: ROUNDS,
      jobs: ids.length,
      lost: check.lost,
      duplicated: check.duplicated,
      stuck: check.stuck,
      maxRecoverySeconds: maxRecovery,
      notes: 'recovery = Redis back to a watched job completed live',
    });
    expect(check.problems).toEqual([]);
  }, 400_000);
});

/** Reads a streamed body until `pattern` appears or `timeoutMs` passes. */
async function readUntil(res: Response, pattern: RegExp, timeoutMs: number): Promise<string> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !pattern.test(text)) {
    const next = await Promise.race([
      reader.read(),
      sleep(Math.max(0, deadline - Date.now())).then(() => ({ done: true, value: undefined })),
    ]);
    if (next.done) break;
    text += decoder.decode(next.value, { stream: true });
  }
  await reader.cancel().catch(() => undefined);
  return text;
}
