import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPinoLogger } from '../../../src/adapters/pino/pino-logger.js';
import { loadConfig } from '../../../src/config/config.js';
import { createContainer } from '../../../src/container/composition-root.js';
import type { Container } from '../../../src/container/container.js';
import { T } from '../../../src/container/tokens.js';
import { buildApp } from '../../../src/http/app.js';
import type { Logger } from '../../../src/ports/logger.js';

/*
 * The composition root as configured, nothing overridden: the embedded PGlite database with the
 * Kysely job, batch and idempotency adapters. What must hold there: concurrent duplicates of one
 * key create one job (the claim is one INSERT ... ON CONFLICT on the key's primary key).
 */

const KEY = 'pglite-idempotency-key-0123456789';
let app: FastifyInstance;
let container: Container;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'framecast-idem-pglite-'));
  const config = loadConfig({
    APP_ENV: 'test',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    WORKER_CONCURRENCY: '0',
    RATE_LIMIT_PER_MINUTE: '100000',
  });
  container = createContainer(config, { logger: createPinoLogger({ level: 'silent' }) as unknown as Logger });
  app = await buildApp(container);
  await container.start();
  const bootstrap = await (
    await container.resolve(T.ensureBootstrapApiKey)
  ).execute({ configuredKey: KEY, generateIfNone: false });
  if (bootstrap.isErr()) throw new Error(bootstrap.error.message);
}, 120_000);

afterAll(async () => {
  await app?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const totalJobs = async (): Promise<number> =>
  Object.values((await (await container.resolve(T.jobs)).countByStatus())._unsafeUnwrap()).reduce(
    (a, b) => a + b,
    0,
  );

describe('Idempotency-Key on the embedded database (PGlite, Kysely adapters)', () => {
  it('runs 20 concurrent POST /videos/generate with one key once: one job, one id in every answer', async () => {
    const before = await totalJobs();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        app.inject({
          method: 'POST',
          url: '/api/v1/videos/generate',
          headers: { 'x-api-key': KEY, 'idempotency-key': 'pglite-concurrent-1' },
          payload: { topic: 'Concurrent duplicates', context: 'One job only.' },
        }),
      ),
    );
    expect(answers.map((a) => a.statusCode)).toEqual(Array(20).fill(201));
    expect(new Set(answers.map((a) => (a.json() as { id: string }).id)).size).toBe(1);
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    expect(answers.filter((a) => a.headers['idempotent-replayed'] === 'true')).toHaveLength(19);
    expect(await totalJobs()).toBe(before + 1);
  }, 60_000);

  it('runs 10 concurrent POST /videos/batch with one key once: one batch of jobs', async () => {
    const before = await totalJobs();
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        app.inject({
          method: 'POST',
          url: '/api/v1/videos/batch',
          headers: { 'x-api-key': KEY, 'idempotency-key': 'pglite-concurrent-batch' },
          payload: { name: 'Once', jobs: [{ topic: 'One' }, { topic: 'Two' }, { topic: 'Three' }] },
        }),
      ),
    );
    expect(answers.map((a) => a.statusCode)).toEqual(Array(10).fill(201));
    const ids = new Set(answers.map((a) => (a.json() as { id: string }).id));
    expect(ids.size).toBe(1);
    expect(await totalJobs()).toBe(before + 3);

    const [batchId] = [...ids];
    const got = await app.inject({
      method: 'GET',
      url: `/api/v1/videos/batch/${batchId}`,
      headers: { 'x-api-key': KEY },
    });
    expect(got.json()).toMatchObject({
      name: 'Once',
      counts: { queued: 3, processing: 0, completed: 0, failed: 0, cancelled: 0 },
      progress: 0,
    });
    const cancelled = await app.inject({
      method: 'POST',
      url: `/api/v1/videos/batch/${batchId}/cancel`,
      headers: { 'x-api-key': KEY },
    });
    expect(cancelled.json()).toMatchObject({ counts: { queued: 0, cancelled: 3 }, progress: 100 });
  }, 60_000);

  it('answers 422 IDEMPOTENCY_KEY_REUSED for another body with the same key', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/videos/generate',
      headers: { 'x-api-key': KEY, 'idempotency-key': 'pglite-concurrent-1' },
      payload: { topic: 'Something else' },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
  });
});
