import { createHash, randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import ffprobeInstaller from '@ffprobe-installer/ffprobe';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateRedis, testRedis, type PrivateRedis } from '../support/redis.js';
import { startS3Server, type S3TestServer } from '../support/s3rver.js';
import { startServer, type RunningServer } from './server.js';

const WORKER_METRICS_TOKEN = 'e2e-worker-metrics-token-0123456789';

/**
 * The production shape (DESIGN §6): two API processes (no worker) and two worker processes on one
 * PostgreSQL, Redis and an S3-compatible server (s3rver on loopback), APP_ENV=production.
 */
const run = promisify(execFile);
const KEY = 'prod-e2e-key-0123456789abcdef0123';
const baseUrl = process.env['TEST_DATABASE_URL'] ?? process.env['DATABASE_URL'];
const required = process.env['REQUIRE_SERVICES'] === '1';
const redisProbe = await testRedis();
const available = baseUrl !== undefined && redisProbe.url !== null;
if (!available && required)
  throw new Error(
    `REQUIRE_SERVICES=1 but the production end-to-end test lacks ${baseUrl === undefined ? 'TEST_DATABASE_URL' : 'Redis'}`,
  );

interface JobBody {
  id: string;
  status: string;
  attempts: number;
  progress: { stage: string; percent: number };
}

describe.skipIf(!available)(
  'end to end on PostgreSQL, Redis and S3 with separate API and worker processes',
  () => {
    let database: string;
    let databaseUrl: string;
    let s3: S3TestServer;
    let dataDir: string;
    const processes: RunningServer[] = [];
    let api1: RunningServer;
    let api2: RunningServer;
    let worker1: RunningServer;

    const env = (extra: Record<string, string> = {}): Record<string, string> => ({
      APP_ENV: 'production',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisProbe.url!,
      S3_BUCKET: s3.bucket,
      S3_ENDPOINT: s3.endpoint,
      S3_REGION: s3.region,
      S3_FORCE_PATH_STYLE: 'true',
      S3_PREFIX: `e2e-${database}`,
      AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
      FRAMECAST_API_KEY: KEY,
      WEBHOOK_SECRET: `whsec_${Buffer.from('framecast-e2e-webhook-secret-32b').toString('base64')}`,
      QUEUE_POLL_INTERVAL_MS: '500',
      RATE_LIMIT_PER_MINUTE: '100000',
      ...extra,
    });

    const api = (server: RunningServer, pathname: string, init: RequestInit = {}): Promise<Response> =>
      fetch(`${server.baseUrl}/api/v1${pathname}`, {
        redirect: 'manual',
        ...init,
        headers: { 'x-api-key': KEY, 'content-type': 'application/json', ...(init.headers ?? {}) },
      });

    const submit = async (server: RunningServer, body: Record<string, unknown>): Promise<JobBody> => {
      const res = await api(server, '/videos/generate', { method: 'POST', body: JSON.stringify(body) });
      expect(res.status).toBe(201);
      return (await res.json()) as JobBody;
    };

    const waitAll = async (server: RunningServer, ids: string[], timeoutMs: number): Promise<JobBody[]> => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const jobs = await Promise.all(
          ids.map(async (id) => (await (await api(server, `/videos/jobs/${id}/status`)).json()) as JobBody),
        );
        if (jobs.every((j) => ['completed', 'failed', 'cancelled'].includes(j.status))) return jobs;
        if (Date.now() > deadline)
          throw new Error(`timed out: ${jobs.map((j) => `${j.id}:${j.status}`).join(' ')}`);
        await new Promise((r) => setTimeout(r, 300));
      }
    };

    beforeAll(async () => {
      database = `framecast_e2e_${randomBytes(4).toString('hex')}`;
      const admin = new pg.Client({ connectionString: baseUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${database}`);
      await admin.end();
      const url = new URL(baseUrl!);
      url.pathname = `/${database}`;
      databaseUrl = url.toString();
      s3 = await startS3Server();
      dataDir = await mkdtemp(path.join(tmpdir(), 'framecast-prod-e2e-'));
      // The first API migrates the database; the others start after it.
      api1 = await startServer(env({ WORKER_CONCURRENCY: '0' }));
      processes.push(api1);
      const [second, w1, w2] = await Promise.all([
        startServer(env({ WORKER_CONCURRENCY: '0' })),
        startServer(
          env({ WORKER_CONCURRENCY: '1', WORKER_METRICS_PORT: '0', METRICS_TOKEN: WORKER_METRICS_TOKEN }),
          60_000,
          'worker',
        ),
        startServer(env({ WORKER_CONCURRENCY: '1' }), 60_000, 'worker'),
      ]);
      api2 = second;
      worker1 = w1;
      processes.push(second, w1, w2);
    }, 120_000);

    afterAll(async () => {
      await Promise.all(processes.map((p) => p.stop('SIGTERM')));
      await s3?.stop();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
      if (database) {
        const admin = new pg.Client({ connectionString: baseUrl });
        await admin.connect();
        await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
        await admin.end();
      }
    }, 60_000);

    it('renders through a worker, streams its progress to a watcher on the other API, and serves the MP4 from S3', async () => {
      const job = await submit(api1, {
        topic: 'The Pythagorean theorem',
        context:
          'In a right triangle, the square of the hypotenuse equals the sum of the squares of the other two sides. Builders use it to make square corners.',
        quality: 'low',
      });
      // Watch on the OTHER API process: updates come from a worker process through Redis pub/sub.
      const events = await fetch(`${api2.baseUrl}/api/v1/videos/jobs/${job.id}/events`, {
        headers: { 'x-api-key': KEY },
      });
      expect(events.status).toBe(200);
      const text = await readStream(events, 120_000);
      const statuses = [...text.matchAll(/^data: (.+)$/gm)]
        .map((m) => (JSON.parse(m[1]!) as { status?: string }).status)
        .filter((s) => s !== undefined);
      expect(statuses).toContain('processing');
      expect(statuses.at(-1), text.slice(-600)).toBe('completed');
      const stages = new Set([...text.matchAll(/"stage":"(\w+)"/g)].map((m) => m[1]));
      expect(stages.has('composing')).toBe(true);

      const download = await api(api2, `/videos/jobs/${job.id}/download`);
      expect(download.status).toBe(200);
      const bytes = Buffer.from(await download.arrayBuffer());
      const file = path.join(dataDir, 'prod.mp4');
      await writeFile(file, bytes);
      const { stdout } = await run(ffprobeInstaller.path, [
        '-v',
        'error',
        '-show_streams',
        '-print_format',
        'json',
        file,
      ]);
      const streams = (JSON.parse(stdout) as { streams: { codec_name: string }[] }).streams.map(
        (s) => s.codec_name,
      );
      expect(streams).toEqual(expect.arrayContaining(['h264', 'aac']));

      const partial = await api(api1, `/videos/jobs/${job.id}/download`, {
        headers: { range: 'bytes=0-99' },
      });
      expect(partial.status).toBe(206);
      expect(Buffer.from(await partial.arrayBuffer()).equals(bytes.subarray(0, 100))).toBe(true);

      const redirect = await api(api1, `/videos/jobs/${job.id}/download?redirect=true`);
      expect(redirect.status).toBe(302);
      const location = redirect.headers.get('location')!;
      expect(location.startsWith(s3.endpoint)).toBe(true);
      const presigned = Buffer.from(await (await fetch(location)).arrayBuffer());
      expect(createHash('sha256').update(presigned).digest('hex')).toBe(
        createHash('sha256').update(bytes).digest('hex'),
      );
    }, 180_000);

    it('completes 20 jobs submitted through either API exactly once', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 20; i += 1) {
        const job = await submit(i % 2 === 0 ? api1 : api2, {
          topic: `Job number ${i + 1}`,
          context: `This is job ${i + 1}. It has one more sentence.`,
          quality: 'preview',
          narration: i % 4 !== 0,
        });
        ids.push(job.id);
      }
      const jobs = await waitAll(api2, ids, 240_000);
      expect(jobs.map((j) => j.status)).toEqual(ids.map(() => 'completed'));
      expect(jobs.every((j) => j.attempts === 1)).toBe(true);

      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        const completions = await client.query<{ job_id: string; n: string }>(
          `SELECT job_id, count(*)::int AS n FROM job_events WHERE message = 'Job completed' AND job_id = ANY($1) GROUP BY job_id`,
          [ids],
        );
        expect(completions.rows.length).toBe(20);
        expect(completions.rows.every((r) => Number(r.n) === 1)).toBe(true);
        const workers = await client.query<{ n: number }>(
          `SELECT count(DISTINCT data->>'workerId')::int AS n FROM job_events WHERE job_id = ANY($1) AND data ? 'workerId'`,
          [ids],
        );
        expect(workers.rows[0]!.n).toBe(2);
      } finally {
        await client.end();
      }
      // A worker-only process exposes its own job metrics (WORKER_METRICS_PORT).
      const metricsUrl = /metrics: +(http:\/\/\S+\/metrics)/.exec(worker1.output())?.[1];
      expect(metricsUrl, worker1.output()).toBeDefined();
      const scrape = await fetch(metricsUrl!, {
        headers: { authorization: `Bearer ${WORKER_METRICS_TOKEN}` },
      });
      expect(scrape.status).toBe(200);
      const completedAttempts =
        /^framecast_job_attempt_duration_seconds_count\{outcome="completed"\} (\d+)$/m.exec(
          await scrape.text(),
        );
      expect(Number(completedAttempts?.[1])).toBeGreaterThan(0);
      expect((await fetch(metricsUrl!)).status).toBe(401);
    }, 300_000);

    describe('with Redis stopped', () => {
      let redis: PrivateRedis;
      let api3: RunningServer;
      beforeAll(async () => {
        redis = await startPrivateRedis();
        api3 = await startServer(env({ WORKER_CONCURRENCY: '0', REDIS_URL: redis.url }));
        processes.push(api3);
      }, 60_000);
      afterAll(async () => {
        await redis?.stop();
      });

      it('keeps answering submit, status and download, each within 1 s', async () => {
        const done = await submit(api1, { topic: 'Before the outage', quality: 'preview', narration: false });
        await waitAll(api1, [done.id], 120_000);
        await redis.stop();
        const timed = async (f: () => Promise<Response>): Promise<{ status: number; ms: number }> => {
          const started = performance.now();
          const res = await f();
          await res.arrayBuffer();
          return { status: res.status, ms: performance.now() - started };
        };
        const results = [
          await timed(() =>
            api(api3, '/videos/generate', {
              method: 'POST',
              body: JSON.stringify({ topic: 'During the outage' }),
            }),
          ),
          await timed(() => api(api3, `/videos/jobs/${done.id}/status`)),
          await timed(() =>
            api(api3, `/videos/jobs/${done.id}/download`, { headers: { range: 'bytes=0-1023' } }),
          ),
        ];
        expect(results.map((r) => r.status)).toEqual([201, 200, 206]);
        for (const r of results) expect(r.ms).toBeLessThan(1000);
      }, 180_000);
    });
  },
);

/** Reads a response body as text until it ends or `timeoutMs` passes. */
async function readStream(res: Response, timeoutMs: number): Promise<string> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { done, value } = await reader.read();
    if (done) {
      text += `\n[stream ended by server after ${Date.now() - (deadline - timeoutMs)} ms]`;
      break;
    }
    text += decoder.decode(value, { stream: true });
    if (text.includes('event: end')) break;
  }
  await reader.cancel().catch(() => undefined);
  return text;
}
