import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { InMemoryApiKeyRepository } from '../../src/adapters/memory/in-memory-api-key-repository.js';
import { InMemoryConfigurationRepository } from '../../src/adapters/memory/in-memory-configuration-repository.js';
import { InMemoryUploadRepository } from '../../src/adapters/memory/in-memory-upload-repository.js';
import { InMemoryAuditLog } from '../../src/adapters/memory/in-memory-audit-log.js';
import { InMemoryBatchRepository } from '../../src/adapters/memory/in-memory-batch-repository.js';
import { InMemoryIdempotencyStore } from '../../src/adapters/memory/in-memory-idempotency-store.js';
import { InMemoryJobEventRepository } from '../../src/adapters/memory/in-memory-job-event-repository.js';
import { InMemoryJobRepository } from '../../src/adapters/memory/in-memory-job-repository.js';
import { InMemoryObjectStorage } from '../../src/adapters/memory/in-memory-object-storage.js';
import { InMemoryUserRepository } from '../../src/adapters/memory/in-memory-user-repository.js';
import { InProcessWorkSignal } from '../../src/adapters/memory/in-process-work-signal.js';
import { InMemoryWebhookDeliveryRepository } from '../../src/adapters/memory/in-memory-webhook-delivery-repository.js';
import { createPinoLogger } from '../../src/adapters/pino/pino-logger.js';
import { SystemClock } from '../../src/adapters/system/system-clock.js';
import { hashApiKey } from '../../src/application/api-keys.js';
import { loadConfig } from '../../src/config/config.js';
import { createContainer, DatabaseToken } from '../../src/container/composition-root.js';
import type { Container } from '../../src/container/container.js';
import { T } from '../../src/container/tokens.js';
import { claimJob, completeJob, type Job } from '../../src/domain/job.js';
import { buildApp } from '../../src/http/app.js';
import type { Logger } from '../../src/ports/logger.js';
import { noDatabase } from './no-database.js';

export const KEY_A = 'test-key-user-a-0123456789abcdef';
export const KEY_B = 'test-key-user-b-0123456789abcdef';

export interface TestApp {
  readonly app: FastifyInstance;
  readonly container: Container;
  readonly jobs: InMemoryJobRepository;
  readonly storage: InMemoryObjectStorage;
  /** The job logs and the audit log the app writes to. */
  readonly events: InMemoryJobEventRepository;
  readonly audit: InMemoryAuditLog;
  /** Owner id of KEY_A (the bootstrap admin) and of KEY_B (an ordinary user). */
  readonly userA: string;
  readonly userB: string;
  /** Submits a job as user A over HTTP and completes it directly with the given files. */
  completedJob(files?: { video?: Buffer; thumbnail?: Buffer; subtitles?: Buffer }): Promise<Job>;
  close(): Promise<void>;
}

/**
 * The real container and Fastify app, with in-memory repositories and storage swapped in
 * (DESIGN §2: tests override registrations before start) and no worker.
 */
export async function createTestApp(
  env: Record<string, string> = {},
  /** Stores shared with another test app (two API instances over one database). */
  shared: { readonly jobs?: InMemoryJobRepository; readonly events?: InMemoryJobEventRepository } = {},
): Promise<TestApp> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'framecast-http-'));
  const config = loadConfig({
    APP_ENV: 'test',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    WORKER_CONCURRENCY: '0',
    ...env,
  });
  const container = createContainer(config, {
    logger: createPinoLogger({ level: 'silent' }) as unknown as Logger,
  });
  const clock = new SystemClock();
  const events = shared.events ?? new InMemoryJobEventRepository();
  const jobs = shared.jobs ?? new InMemoryJobRepository(clock, { events });
  const storage = new InMemoryObjectStorage();
  const apiKeys = new InMemoryApiKeyRepository();
  const users = new InMemoryUserRepository();
  container.override(T.jobs, jobs);
  const audit = new InMemoryAuditLog();
  container.override(T.jobEventLog, events);
  container.override(T.auditLog, audit);
  container.override(T.apiKeys, apiKeys);
  container.override(T.users, users);
  container.override(T.storage, storage);
  container.override(T.workSignal, new InProcessWorkSignal());
  container.override(DatabaseToken, noDatabase());
  container.override(T.uploads, new InMemoryUploadRepository());
  container.override(T.configurations, new InMemoryConfigurationRepository());
  container.override(T.batches, new InMemoryBatchRepository(jobs));
  container.override(T.idempotencyStore, new InMemoryIdempotencyStore());
  container.override(
    T.webhookDeliveries,
    new InMemoryWebhookDeliveryRepository(() => jobs.snapshot(), clock),
  );
  const app = await buildApp(container);
  await container.start();

  const bootstrap = await (
    await container.resolve(T.ensureBootstrapApiKey)
  ).execute({
    configuredKey: KEY_A,
    generateIfNone: false,
  });
  if (bootstrap.isErr()) throw new Error(bootstrap.error.message);
  const userB = 'user-b';
  const now = new Date();
  await users.upsert({ id: userB, email: 'b@example.com', role: 'user', now });
  await apiKeys.insert({
    id: 'key-b',
    ownerId: userB,
    name: 'user b',
    prefix: KEY_B.slice(0, 8),
    hash: hashApiKey(KEY_B),
    scopes: ['jobs'],
    createdAt: now,
    revokedAt: null,
    lastUsedAt: null,
  });

  const completedJob: TestApp['completedJob'] = async (files = {}) => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/videos/generate',
      headers: { 'x-api-key': KEY_A },
      payload: { topic: 'A finished video', context: 'One sentence. Another one.' },
    });
    const id = (res.json() as { id: string }).id;
    const queued = (await jobs.findById(id))._unsafeUnwrap();
    const claimed = claimJob(queued, { workerId: 'test', leaseMs: 60_000, now: new Date() })._unsafeUnwrap();
    await jobs.update(claimed);
    const base = `test/${queued.ownerId}/${id}/attempt-1`;
    const video = files.video ?? Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 256));
    const thumbnail = files.thumbnail ?? Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]);
    const subtitles = files.subtitles ?? Buffer.from('WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n');
    const { Readable } = await import('node:stream');
    for (const [key, body, contentType] of [
      [`${base}/video.mp4`, video, 'video/mp4'],
      [`${base}/thumbnail.jpg`, thumbnail, 'image/jpeg'],
      [`${base}/subtitles.vtt`, subtitles, 'text/vtt; charset=utf-8'],
    ] as const) {
      (await storage.putStream(key, Readable.from([body]), { contentType }))._unsafeUnwrap();
    }
    const done = completeJob(claimed, {
      attempt: 1,
      now: new Date(),
      result: {
        videoKey: `${base}/video.mp4`,
        thumbnailKey: `${base}/thumbnail.jpg`,
        subtitlesKey: `${base}/subtitles.vtt`,
        sizeBytes: video.length,
        durationSeconds: 12.5,
        width: 1280,
        height: 720,
        fps: 30,
        videoCodec: 'h264',
        audioCodec: 'aac',
        bitrate: 640_000,
        sha256: 'x'.repeat(64),
      },
    })._unsafeUnwrap();
    return (await jobs.update(done))._unsafeUnwrap();
  };

  return {
    app,
    container,
    jobs,
    storage,
    events,
    audit,
    userA: 'local-admin',
    userB,
    completedJob,
    close: async () => {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
