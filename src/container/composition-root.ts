import { statfs } from 'node:fs/promises';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../adapters/postgres/database.js';
import { FsScratchFiles } from '../adapters/fs/fs-scratch-files.js';
import type { S3ObjectStorage } from '../adapters/s3/s3-object-storage.js';
import { CachedUserRepository } from '../adapters/memory/cached-user-repository.js';
import { InMemoryCache } from '../adapters/memory/in-memory-cache.js';
import { InProcessJobEvents } from '../adapters/memory/in-process-job-events.js';
import { InProcessWorkSignal } from '../adapters/memory/in-process-work-signal.js';
import { createPinoLogger } from '../adapters/pino/pino-logger.js';
import type { PostgresDatabaseHandle } from '../adapters/postgres/postgres-database.js';
import type { PostgresWorkSignal } from '../adapters/postgres/postgres-work-signal.js';
import { KyselyApiKeyRepository } from '../adapters/postgres/kysely-api-key-repository.js';
import { KyselyJobEventRepository } from '../adapters/postgres/kysely-job-event-repository.js';
import { KyselyJobRepository } from '../adapters/postgres/kysely-job-repository.js';
import { KyselyUserRepository } from '../adapters/postgres/kysely-user-repository.js';
import { KyselyAuditLog } from '../adapters/postgres/kysely-audit-log.js';
import { AdminCancelJob } from '../application/admin-cancel-job.js';
import { CancelJob } from '../application/cancel-job.js';
import { DeleteJob } from '../application/delete-job.js';
import { GetCurrentUser } from '../application/get-current-user.js';
import { GetDashboardStats } from '../application/get-dashboard-stats.js';
import { GetJobLogs } from '../application/get-job-logs.js';
import { GetPreferences } from '../application/get-preferences.js';
import { ListAllJobs } from '../application/list-all-jobs.js';
import { ListJobs } from '../application/list-jobs.js';
import { ListRecentJobs } from '../application/list-recent-jobs.js';
import { RetryJob } from '../application/retry-job.js';
import { UpdatePreferences } from '../application/update-preferences.js';
import { migrateToLatest } from '../adapters/postgres/migrate.js';
import type { PgliteDatabaseHandle } from '../adapters/postgres/pglite-database.js';
import type { RedisConnection } from '../adapters/redis/redis-connection.js';
import type { RedisJobEvents } from '../adapters/redis/redis-job-events.js';
import { SystemClock } from '../adapters/system/system-clock.js';
import { AsyncLocalLogContext } from '../adapters/system/async-local-log-context.js';
import { NodeRuntimeStats } from '../adapters/system/node-runtime-stats.js';
import { PromMetrics } from '../adapters/prometheus/prom-metrics.js';
import { GetQueueStatus } from '../application/get-queue-status.js';
import { GetSystemMetrics } from '../application/get-system-metrics.js';
import { UuidV7IdGenerator } from '../adapters/system/uuid-v7-id-generator.js';
import { AuthenticateApiKey } from '../application/authenticate-api-key.js';
import { AuthenticateSession } from '../application/authenticate-session.js';
import { EnsureBootstrapApiKey } from '../application/ensure-bootstrap-api-key.js';
import { GetJobMetadata } from '../application/get-job-metadata.js';
import { GetJobStatus } from '../application/get-job-status.js';
import { JobActivity } from '../application/job-activity.js';
import { OpenJobAsset } from '../application/open-job-asset.js';
import { ProcessNextJob } from '../application/process-next-job.js';
import { RecoverExpiredLeases } from '../application/recover-expired-leases.js';
import { SubmitVideoJob } from '../application/submit-video-job.js';
import { WatchJob } from '../application/watch-job.js';
import { KyselyBatchRepository } from '../adapters/postgres/kysely-batch-repository.js';
import { KyselyIdempotencyStore } from '../adapters/postgres/kysely-idempotency-store.js';
import { CancelBatch } from '../application/cancel-batch.js';
import { GetBatch } from '../application/get-batch.js';
import { IdempotentExecution } from '../application/idempotent-execution.js';
import { SubmitBatch } from '../application/submit-batch.js';
import type { Config } from '../config/config.js';
import type { VideoRenderer } from '../ports/video-renderer.js';
import type { Logger } from '../ports/logger.js';
import { Worker } from '../worker/worker.js';
import { registerRetention } from './register-retention.js';
import { NodeHttpWebhookSender } from '../adapters/http-client/node-http-webhook-sender.js';
import { KyselyWebhookDeliveryRepository } from '../adapters/postgres/kysely-webhook-delivery-repository.js';
import { DispatchWebhooks } from '../application/dispatch-webhooks.js';
import { presentJob } from '../http/job-presenter.js';
import { WebhookDispatchLoop } from '../worker/webhook-dispatch-loop.js';
import { Container, type HealthResult } from './container.js';
import type { UserRepository } from '../ports/user-repository.js';
import { token } from './token.js';
import { KyselyConfigurationRepository } from '../adapters/postgres/kysely-configuration-repository.js';
import { KyselyUploadRepository } from '../adapters/postgres/kysely-upload-repository.js';
import { Bm25PassageRetriever } from '../adapters/rag/bm25-passage-retriever.js';
import { CreateConfiguration } from '../application/create-configuration.js';
import { DeleteConfiguration } from '../application/delete-configuration.js';
import { DeleteUpload } from '../application/delete-upload.js';
import { DownloadUpload } from '../application/download-upload.js';
import { GetConfiguration } from '../application/get-configuration.js';
import { GetUpload } from '../application/get-upload.js';
import { ListConfigurations } from '../application/list-configurations.js';
import { ListUploads } from '../application/list-uploads.js';
import { PrepareVideoSpec } from '../application/prepare-video-spec.js';
import { ReplaceConfiguration } from '../application/replace-configuration.js';
import { UploadContent } from '../application/upload-content.js';
import { T } from './tokens.js';
import { DeferredMediaTypeDetector } from './deferred-media-type-detector.js';
import { DeferredVideoRenderer } from './deferred-video-renderer.js';

/** The LISTEN/NOTIFY channel of the work signal (PostgreSQL); new jobs' inserts notify on it too. */
const WORK_CHANNEL = 'framecast_jobs';

/** The opened database with its Kysely instance; known only here and in the adapters. */
export const DatabaseToken = token<PgliteDatabaseHandle | PostgresDatabaseHandle>('Database');
/**
 * The user store as job creation reads it: answers reused for up to 5 s in this process, dropped at
 * once by preference changes made through it (`UpdatePreferences`), seen by other processes within
 * 5 s (CachedUserRepository). Saves the submit path a database read per request.
 */
const SubmitUsersToken = token<UserRepository>('CachedUserRepository');
/** The shared Redis connection, when `REDIS_URL` is set. */
export const RedisToken = token<RedisConnection>('Redis');
/** The prom-client adapter behind both `T.metrics` and `T.metricsExposition`. */
const PromMetricsToken = token<PromMetrics>('PromMetrics');

/** Free-space thresholds of the data directory's filesystem, in bytes. */
const DISK_DOWN_BELOW = 256 * 1024 * 1024;
const DISK_DEGRADED_BELOW = 1024 * 1024 * 1024;
/** Leading bytes the file-type adapter inspects (its `sampleBytes`; a test keeps the two equal). */
export const MEDIA_SAMPLE_BYTES = 4100;
/** How long a renderer health result is reused, in ms (each check spawns two processes). */
const RENDERER_HEALTH_TTL_MS = 60_000;

export interface CompositionOptions {
  /** Logger to use instead of a new pino logger (tests pass a silent one). */
  readonly logger?: Logger;
}

/**
 * The composition root (DESIGN §2): binds one adapter per port from the validated config.
 * Embedded defaults today: PGlite under `DATA_DIR`, objects on local disk, in-process events,
 * the FFmpeg renderer. Tests call `container.override(...)` before `start()`.
 */
export function createContainer(config: Config, options: CompositionOptions = {}): Container {
  // Concurrent start: the database, Redis and the bucket check overlap (bench/startup.ts).
  const c = new Container({ stopTimeoutMs: 15_000, startMode: 'concurrent' });
  // Every log line written while an HTTP request runs carries its id (the HTTP adapter sets it).
  const logContext = new AsyncLocalLogContext();
  const logger =
    options.logger ??
    (createPinoLogger({ level: config.log.level, context: () => logContext.current() }) as unknown as Logger);

  c.registerInstance(T.config, config);
  c.registerInstance(T.logger, logger);
  c.registerInstance(T.logContext, logContext);
  c.register(T.clock, { lifetime: 'singleton', factory: () => new SystemClock() });
  c.register(T.ids, { lifetime: 'singleton', factory: () => new UuidV7IdGenerator() });

  c.register(DatabaseToken, {
    lifetime: 'singleton',
    factory: async () => {
      const dbc = config.database;
      // Each driver is loaded only when configured (PGlite's WASM build is never loaded with PostgreSQL).
      const handle =
        dbc.kind === 'pglite'
          ? await (
              await import('../adapters/postgres/pglite-database.js')
            ).createPgliteDatabase({ dataDir: dbc.dataDir })
          : await (async () => {
              const [{ connectWithRetry, describePostgres }, { createPostgresDatabase }] = await Promise.all([
                import('../adapters/postgres/connect-with-retry.js'),
                import('../adapters/postgres/postgres-database.js'),
              ]);
              return connectWithRetry(
                async () => {
                  const opened = await createPostgresDatabase({
                    connectionString: dbc.url,
                    poolMax: dbc.poolMax,
                    connectionTimeoutMs: dbc.connectTimeoutMs,
                    statementTimeoutMs: dbc.statementTimeoutMs,
                    onIdleError: (error) =>
                      logger.warn({ err: error.message }, 'idle database connection failed'),
                  });
                  try {
                    await sql`select 1`.execute(opened.db);
                    return opened;
                  } catch (error) {
                    await opened.close();
                    throw error;
                  }
                },
                { describe: describePostgres(dbc.url), deadlineMs: dbc.connectDeadlineMs, logger },
              );
            })();
      if (dbc.kind === 'pglite' || dbc.migrateOnStart) {
        try {
          const { executed } = await migrateToLatest(handle.db);
          if (executed.length > 0) logger.info({ migrations: executed }, 'database migrated');
        } catch (error) {
          await handle.close();
          throw error;
        }
      }
      return handle;
    },
    stop: (handle) => handle.close(),
    health: async (handle): Promise<HealthResult> => {
      const started = performance.now();
      try {
        await sql`select 1`.execute(handle.db);
        return {
          status: 'up',
          detail: { kind: handle.kind, latencyMs: Math.round(performance.now() - started) },
        };
      } catch (error) {
        return {
          status: 'down',
          detail: { kind: handle.kind, error: error instanceof Error ? error.message : String(error) },
        };
      }
    },
  });
  const db = async (r: { resolve: Container['resolve'] }) => (await r.resolve(DatabaseToken)).db;
  c.register(T.jobs, {
    lifetime: 'singleton',
    // With LISTEN/NOTIFY as the work signal, a new job's NOTIFY goes out in the commit that stores it.
    factory: async (r) => {
      const signal = await r.resolve(T.workSignal);
      return new KyselyJobRepository(
        await db(r),
        postgresSignal !== null && signal === postgresSignal ? { wakeChannel: WORK_CHANNEL } : {},
      );
    },
  });
  c.register(T.jobEventLog, {
    lifetime: 'singleton',
    factory: async (r) => new KyselyJobEventRepository(await db(r)),
  });
  c.register(T.apiKeys, {
    lifetime: 'singleton',
    factory: async (r) => new KyselyApiKeyRepository(await db(r)),
  });
  c.register(T.users, { lifetime: 'singleton', factory: async (r) => new KyselyUserRepository(await db(r)) });
  c.register(T.auditLog, { lifetime: 'singleton', factory: async (r) => new KyselyAuditLog(await db(r)) });

  const storageConfig = config.storage;
  c.register(T.storage, {
    lifetime: 'singleton',
    factory: async () => {
      if (storageConfig.kind === 'disk') {
        const { DiskObjectStorage } = await import('../adapters/fs/disk-object-storage.js');
        return new DiskObjectStorage({ rootDir: storageConfig.rootDir });
      }
      // The AWS SDK is loaded only when S3 is configured.
      const { S3ObjectStorage } = await import('../adapters/s3/s3-object-storage.js');
      const storage = new S3ObjectStorage({
        bucket: storageConfig.bucket,
        region: storageConfig.region,
        ...(storageConfig.endpoint !== undefined ? { endpoint: storageConfig.endpoint } : {}),
        forcePathStyle: storageConfig.forcePathStyle,
        ...(storageConfig.credentials !== undefined ? { credentials: storageConfig.credentials } : {}),
        multipartThresholdBytes: storageConfig.multipartThresholdBytes,
        createBucketIfMissing: storageConfig.createBucket,
      });
      const checked = await storage.ensureBucket();
      if (checked.isErr()) throw new Error(checked.error.message);
      return storage;
    },
    health: async (storage): Promise<HealthResult> => {
      const kind = storageConfig.kind;
      const breaker =
        storageConfig.kind === 's3' ? { breaker: (storage as S3ObjectStorage).resilienceState() } : {};
      const checked = await storage.check();
      return checked.isOk()
        ? { status: 'up', detail: { kind, ...breaker } }
        : { status: 'down', detail: { kind, error: checked.error.message, ...breaker } };
    },
  });

  // One renderer check at a time, reused for RENDERER_HEALTH_TTL_MS from when it began.
  let rendererHealth: { at: number; result: Promise<HealthResult> } | null = null;
  const checkRenderer = (renderer: VideoRenderer): Promise<HealthResult> => {
    if (rendererHealth !== null && Date.now() - rendererHealth.at < RENDERER_HEALTH_TTL_MS)
      return rendererHealth.result;
    const result = renderer.check().then((h): HealthResult => ({
      status: h.ok ? 'up' : 'down',
      detail: {
        ffmpeg: h.ffmpeg,
        ffprobe: h.ffprobe,
        ...(h.detail !== undefined ? { error: h.detail } : {}),
      },
    }));
    const entry = { at: Date.now(), result };
    rendererHealth = entry;
    // A check that threw is not reused (the health hook reports it as down this once).
    result.catch(() => {
      if (rendererHealth === entry) rendererHealth = null;
    });
    return result;
  };
  c.register(T.renderer, {
    lifetime: 'singleton',
    factory: async () => {
      // The FFmpeg adapter (@napi-rs/canvas, the narrator) is loaded on first use; a process that
      // runs the worker loads it now, so a broken install fails start-up (bench/startup.ts).
      const renderer = new DeferredVideoRenderer(async () => {
        const { FfmpegVideoRenderer } = await import('../adapters/ffmpeg/ffmpeg-video-renderer.js');
        return new FfmpegVideoRenderer({
          workRoot: config.renderer.workDir,
          ...(config.renderer.ffmpegPath !== undefined ? { ffmpegPath: config.renderer.ffmpegPath } : {}),
          ...(config.renderer.ffprobePath !== undefined ? { ffprobePath: config.renderer.ffprobePath } : {}),
          logger,
        });
      });
      if (config.worker.concurrency > 0) await renderer.load();
      return renderer;
    },
    health: (renderer) => checkRenderer(renderer),
  });

  c.register(T.diskSpace, {
    lifetime: 'singleton',
    factory: () => ({
      check: async () => {
        const s = await statfs(config.dataDir);
        return { freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
      },
    }),
    health: async (disk): Promise<HealthResult> => {
      const { freeBytes, totalBytes } = await disk.check();
      const status =
        freeBytes < DISK_DOWN_BELOW ? 'down' : freeBytes < DISK_DEGRADED_BELOW ? 'degraded' : 'up';
      return { status, detail: { path: config.dataDir, freeBytes, totalBytes } };
    },
  });

  const redisConfig = config.redis;
  if (redisConfig === null) {
    c.register(T.jobEvents, { lifetime: 'singleton', factory: () => new InProcessJobEvents({ logger }) });
    c.register(T.cache, { lifetime: 'singleton', factory: () => new InMemoryCache({ maxEntries: 10_000 }) });
    c.register(T.rateLimitStore, { lifetime: 'singleton', factory: () => null });
  } else {
    c.register(RedisToken, {
      lifetime: 'singleton',
      factory: async () => {
        const { createRedisConnection } = await import('../adapters/redis/redis-connection.js');
        const connection = createRedisConnection({
          url: redisConfig.url,
          commandTimeoutMs: redisConfig.commandTimeoutMs,
          logger,
        });
        // Redis holds only what may be lost: start degraded when it is down (the outage is logged).
        await connection.connect().catch(() => undefined);
        return connection;
      },
      stop: (connection) => connection.close(),
      health: async (connection): Promise<HealthResult> => {
        const h = await connection.healthCheck();
        return { status: h.status === 'up' ? 'up' : 'degraded', detail: h.detail };
      },
    });
    c.register(T.jobEvents, {
      lifetime: 'singleton',
      factory: async (r) => {
        const { RedisJobEvents } = await import('../adapters/redis/redis-job-events.js');
        return new RedisJobEvents({ connection: await r.resolve(RedisToken), logger });
      },
      // The factory above makes a RedisJobEvents; the token is typed by the port.
      start: (events) => (events as RedisJobEvents).start(),
      stop: (events) => (events as RedisJobEvents).close(),
      health: (events): HealthResult => ({
        status: (events as RedisJobEvents).isSubscribed() ? 'up' : 'degraded',
        detail: { kind: 'redis-pubsub' },
      }),
    });
    c.register(T.cache, {
      lifetime: 'singleton',
      factory: async (r) => {
        const { RedisCache } = await import('../adapters/redis/redis-cache.js');
        return new RedisCache({ connection: await r.resolve(RedisToken), logger });
      },
    });
    c.register(T.rateLimitStore, {
      lifetime: 'singleton',
      factory: async (r) => {
        const { createRedisRateLimitStore } = await import('../adapters/redis/redis-rate-limit-store.js');
        return createRedisRateLimitStore({ connection: await r.resolve(RedisToken), logger });
      },
    });
  }
  c.register(T.identityVerifier, {
    lifetime: 'singleton',
    factory: async () => {
      const clerk = config.auth.clerk;
      if (clerk === null) return null;
      // @clerk/backend is loaded only when Clerk is configured.
      const { ClerkIdentityVerifier } = await import('../adapters/clerk/clerk-identity-verifier.js');
      return new ClerkIdentityVerifier({
        jwtKey: clerk.jwtKey,
        issuer: clerk.issuer,
        authorizedParties: [...clerk.authorizedParties],
        adminClaim: clerk.adminClaim,
      });
    },
  });
  c.register(T.authenticateSession, {
    lifetime: 'singleton',
    factory: async (r) => {
      const verifier = await r.resolve(T.identityVerifier);
      return verifier === null
        ? null
        : new AuthenticateSession({
            verifier,
            users: await r.resolve(T.users),
            clock: await r.resolve(T.clock),
          });
    },
  });
  // The PostgreSQL signal this container made, if any (its module is loaded only with PostgreSQL).
  let postgresSignal: PostgresWorkSignal | null = null;
  c.register(T.workSignal, {
    lifetime: 'singleton',
    factory: async (r) => {
      const handle = await r.resolve(DatabaseToken);
      // The embedded database has one process, so an in-process signal reaches every worker;
      // with PostgreSQL, LISTEN/NOTIFY wakes workers in every process.
      if (handle.kind === 'pglite' || config.database.kind !== 'postgres') return new InProcessWorkSignal();
      const { PostgresWorkSignal } = await import('../adapters/postgres/postgres-work-signal.js');
      postgresSignal = new PostgresWorkSignal({
        pool: handle.pool,
        connectionString: config.database.url,
        channel: WORK_CHANNEL,
        logger,
      });
      return postgresSignal;
    },
    stop: async (signal) => {
      if (signal === postgresSignal) await postgresSignal.close();
    },
    health: (signal): HealthResult =>
      signal === postgresSignal && postgresSignal !== null
        ? {
            status:
              postgresSignal.state === 'listening' || postgresSignal.state === 'idle' ? 'up' : 'degraded',
            detail: { kind: 'listen-notify', state: postgresSignal.state },
          }
        : { status: 'up', detail: { kind: 'in-process' } },
  });

  c.register(T.activity, {
    lifetime: 'singleton',
    factory: async (r) =>
      new JobActivity({
        events: await r.resolve(T.jobEventLog),
        live: await r.resolve(T.jobEvents),
        ids: await r.resolve(T.ids),
        clock: await r.resolve(T.clock),
        logger: await r.resolve(T.logger),
        cache: await r.resolve(T.cache),
      }),
  });
  c.register(T.submitVideoJob, {
    lifetime: 'singleton',
    factory: async (r) =>
      new SubmitVideoJob({
        jobs: await r.resolve(T.jobs),
        activity: await r.resolve(T.activity),
        signal: await r.resolve(T.workSignal),
        clock: await r.resolve(T.clock),
        ids: await r.resolve(T.ids),
        logger: await r.resolve(T.logger),
        settings: { maxAttempts: config.queue.maxAttempts },
        prepareSpec: await r.resolve(T.prepareVideoSpec),
      }),
  });
  c.register(T.batches, {
    lifetime: 'singleton',
    factory: async (r) => new KyselyBatchRepository(await db(r)),
  });
  c.register(T.idempotencyStore, {
    lifetime: 'singleton',
    factory: async (r) => new KyselyIdempotencyStore(await db(r)),
  });
  c.register(T.idempotentExecution, {
    lifetime: 'singleton',
    factory: async (r) =>
      new IdempotentExecution({
        store: await r.resolve(T.idempotencyStore),
        clock: await r.resolve(T.clock),
        ids: await r.resolve(T.ids),
        logger: await r.resolve(T.logger),
      }),
  });
  c.register(T.submitBatch, {
    lifetime: 'singleton',
    factory: async (r) =>
      new SubmitBatch({
        batches: await r.resolve(T.batches),
        activity: await r.resolve(T.activity),
        signal: await r.resolve(T.workSignal),
        clock: await r.resolve(T.clock),
        ids: await r.resolve(T.ids),
        logger: await r.resolve(T.logger),
        settings: { maxAttempts: config.queue.maxAttempts, maxJobsPerBatch: config.batch.maxJobs },
        prepareSpec: await r.resolve(T.prepareVideoSpec),
      }),
  });
  c.register(T.getBatch, {
    lifetime: 'singleton',
    factory: async (r) => new GetBatch({ batches: await r.resolve(T.batches) }),
  });
  c.register(T.cancelBatch, {
    lifetime: 'singleton',
    factory: async (r) =>
      new CancelBatch({
        batches: await r.resolve(T.batches),
        jobs: await r.resolve(T.jobs),
        activity: await r.resolve(T.activity),
        clock: await r.resolve(T.clock),
      }),
  });
  c.register(T.getJobStatus, {
    lifetime: 'singleton',
    factory: async (r) =>
      new GetJobStatus({
        jobs: await r.resolve(T.jobs),
        cache: await r.resolve(T.cache),
        cacheTtlMs: config.cache.jobStatusTtlMs,
        // In-process copies for 250 ms, dropped on any live update of the job (bench/api.ts).
        local: { live: await r.resolve(T.jobEvents), ttlMs: 250 },
      }),
  });
  c.register(T.getJobMetadata, {
    lifetime: 'singleton',
    factory: async (r) =>
      new GetJobMetadata({
        jobs: await r.resolve(T.jobs),
        events: await r.resolve(T.jobEventLog),
        webhooks: await r.resolve(T.webhookDeliveries),
      }),
  });
  c.register(T.openJobAsset, {
    lifetime: 'singleton',
    factory: async (r) =>
      new OpenJobAsset({
        jobs: await r.resolve(T.jobs),
        storage: await r.resolve(T.storage),
        settings: { presignExpiresSeconds: config.storage.presignExpiresSeconds },
        // Completed jobs (immutable) reused for Range requests; deletion still wins (bench/download.ts).
        cache: { ttlMs: 60_000 },
      }),
  });
  c.register(T.watchJob, {
    lifetime: 'singleton',
    factory: async (r) => new WatchJob({ jobs: await r.resolve(T.jobs), live: await r.resolve(T.jobEvents) }),
  });
  c.register(T.authenticateApiKey, {
    lifetime: 'singleton',
    factory: async (r) =>
      new AuthenticateApiKey({
        apiKeys: await r.resolve(T.apiKeys),
        users: await r.resolve(T.users),
        clock: await r.resolve(T.clock),
        // Verified keys served from memory for 5 s (revocation takes effect within 5 s): bench/.
        cacheTtlMs: 5_000,
      }),
  });
  c.register(T.ensureBootstrapApiKey, {
    lifetime: 'singleton',
    factory: async (r) =>
      new EnsureBootstrapApiKey({
        apiKeys: await r.resolve(T.apiKeys),
        users: await r.resolve(T.users),
        clock: await r.resolve(T.clock),
        ids: await r.resolve(T.ids),
        audit: await r.resolve(T.auditLog),
      }),
  });
  // Operations: one prom-client Registry per container (never the global one).
  c.register(PromMetricsToken, {
    lifetime: 'singleton',
    factory: async (r) => {
      const jobs = await r.resolve(T.jobs);
      return new PromMetrics({
        queueDepth: async () => {
          const counts = await jobs.countByStatus();
          return counts.isOk() ? counts.value : null;
        },
      });
    },
  });
  c.register(T.metrics, { lifetime: 'singleton', factory: (r) => r.resolve(PromMetricsToken) });
  c.register(T.metricsExposition, { lifetime: 'singleton', factory: (r) => r.resolve(PromMetricsToken) });
  c.register(T.runtimeStats, {
    lifetime: 'singleton',
    factory: () => new NodeRuntimeStats(),
    start: (stats) => (stats as NodeRuntimeStats).start(),
    stop: (stats) => (stats as NodeRuntimeStats).stop(),
  });
  c.register(T.getSystemMetrics, {
    lifetime: 'singleton',
    factory: async (r) =>
      new GetSystemMetrics({ jobs: await r.resolve(T.jobs), runtime: await r.resolve(T.runtimeStats) }),
  });
  c.register(T.getQueueStatus, {
    lifetime: 'singleton',
    factory: async (r) => new GetQueueStatus({ jobs: await r.resolve(T.jobs) }),
  });
  c.register(T.processNextJob, {
    lifetime: 'singleton',
    factory: async (r) =>
      new ProcessNextJob({
        jobs: await r.resolve(T.jobs),
        activity: await r.resolve(T.activity),
        renderer: await r.resolve(T.renderer),
        storage: await r.resolve(T.storage),
        clock: await r.resolve(T.clock),
        logger: await r.resolve(T.logger),
        metrics: await r.resolve(T.metrics),
        live: await r.resolve(T.jobEvents),
        retriever: await r.resolve(T.passageRetriever),
        uploads: await r.resolve(T.uploads),
        scratchFiles: new FsScratchFiles(config.renderer.workDir),
        settings: {
          leaseMs: config.queue.leaseMs,
          storagePrefix: config.storage.prefix,
          backoff: { baseMs: config.queue.backoffBaseMs, maxMs: config.queue.backoffMaxMs },
        },
      }),
  });
  c.register(T.recoverExpiredLeases, {
    lifetime: 'singleton',
    factory: async (r) =>
      new RecoverExpiredLeases({
        jobs: await r.resolve(T.jobs),
        activity: await r.resolve(T.activity),
        signal: await r.resolve(T.workSignal),
      }),
  });
  c.register(T.worker, {
    lifetime: 'singleton',
    factory: async (r) =>
      new Worker({
        workerId: `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`,
        processNextJob: await r.resolve(T.processNextJob),
        recoverExpiredLeases: await r.resolve(T.recoverExpiredLeases),
        signal: await r.resolve(T.workSignal),
        logger: await r.resolve(T.logger),
        settings: {
          concurrency: config.worker.concurrency,
          pollIntervalMs: config.queue.pollIntervalMs,
          sweepIntervalMs: config.queue.sweepIntervalMs,
          shutdownGraceMs: config.worker.shutdownGraceMs,
        },
      }),
    start: (worker) => worker.start(),
    stop: (worker) => worker.stop(),
    stopTimeoutMs: config.worker.shutdownGraceMs + 15_000,
    health: (worker): HealthResult => ({
      status: 'up',
      detail: { id: worker.id, concurrency: config.worker.concurrency, busy: worker.busy },
    }),
  });
  registerWebhooks(c, config, logger);
  registerJobManagement(c, config);
  registerUploadsAndConfigurations(c, config, db);
  registerRetention(c, config);
  return c;
}

/** Uploads, saved configurations and RAG retrieval (DESIGN §5 /uploads, /configurations). */
function registerUploadsAndConfigurations(
  c: Container,
  config: Config,
  db: (r: { resolve: Container['resolve'] }) => Promise<Kysely<Database>>,
): void {
  c.register(T.uploads, {
    lifetime: 'singleton',
    factory: async (r) => new KyselyUploadRepository(await db(r)),
  });
  c.register(T.configurations, {
    lifetime: 'singleton',
    factory: async (r) => new KyselyConfigurationRepository(await db(r)),
  });
  // file-type is loaded on the first upload (MEDIA_SAMPLE_BYTES is the adapter's sampleBytes: tested).
  c.register(T.mediaTypeDetector, {
    lifetime: 'singleton',
    factory: () =>
      new DeferredMediaTypeDetector(MEDIA_SAMPLE_BYTES, async () => {
        const { FileTypeMediaTypeDetector } =
          await import('../adapters/file-type/file-type-media-type-detector.js');
        return new FileTypeMediaTypeDetector();
      }),
  });
  c.register(T.passageRetriever, {
    lifetime: 'singleton',
    factory: async (r) =>
      new Bm25PassageRetriever({ uploads: await r.resolve(T.uploads), storage: await r.resolve(T.storage) }),
  });
  c.register(T.prepareVideoSpec, {
    lifetime: 'singleton',
    factory: async (r) =>
      new PrepareVideoSpec({
        configurations: await r.resolve(T.configurations),
        users: await r.resolve(SubmitUsersToken),
        uploads: await r.resolve(T.uploads),
      }),
  });
  c.register(T.uploadContent, {
    lifetime: 'singleton',
    factory: async (r) =>
      new UploadContent({
        uploads: await r.resolve(T.uploads),
        storage: await r.resolve(T.storage),
        detector: await r.resolve(T.mediaTypeDetector),
        clock: await r.resolve(T.clock),
        ids: await r.resolve(T.ids),
        logger: await r.resolve(T.logger),
        settings: { maxBytes: config.uploads.maxBytes, storagePrefix: config.storage.prefix },
      }),
  });
  c.register(T.listUploads, {
    lifetime: 'singleton',
    factory: async (r) => new ListUploads({ uploads: await r.resolve(T.uploads) }),
  });
  c.register(T.getUpload, {
    lifetime: 'singleton',
    factory: async (r) => new GetUpload({ uploads: await r.resolve(T.uploads) }),
  });
  c.register(T.downloadUpload, {
    lifetime: 'singleton',
    factory: async (r) =>
      new DownloadUpload({ uploads: await r.resolve(T.uploads), storage: await r.resolve(T.storage) }),
  });
  c.register(T.deleteUpload, {
    lifetime: 'singleton',
    factory: async (r) =>
      new DeleteUpload({
        uploads: await r.resolve(T.uploads),
        jobs: await r.resolve(T.jobs),
        storage: await r.resolve(T.storage),
      }),
  });
  const configurationDeps = async (r: { resolve: Container['resolve'] }) => ({
    configurations: await r.resolve(T.configurations),
    clock: await r.resolve(T.clock),
    ids: await r.resolve(T.ids),
  });
  c.register(T.createConfiguration, {
    lifetime: 'singleton',
    factory: async (r) => new CreateConfiguration(await configurationDeps(r)),
  });
  c.register(T.listConfigurations, {
    lifetime: 'singleton',
    factory: async (r) => new ListConfigurations(await configurationDeps(r)),
  });
  c.register(T.getConfiguration, {
    lifetime: 'singleton',
    factory: async (r) => new GetConfiguration(await configurationDeps(r)),
  });
  c.register(T.replaceConfiguration, {
    lifetime: 'singleton',
    factory: async (r) => new ReplaceConfiguration(await configurationDeps(r)),
  });
  c.register(T.deleteConfiguration, {
    lifetime: 'singleton',
    factory: async (r) => new DeleteConfiguration(await configurationDeps(r)),
  });
}

/** Job management, users, dashboard and admin job views (their use cases over the ports above). */
function registerJobManagement(c: Container, config: Config): void {
  c.register(T.listJobs, {
    lifetime: 'singleton',
    factory: async (r) => new ListJobs({ jobs: await r.resolve(T.jobs) }),
  });
  const cancelDeps = async (r: { resolve: Container['resolve'] }) => ({
    jobs: await r.resolve(T.jobs),
    activity: await r.resolve(T.activity),
    clock: await r.resolve(T.clock),
  });
  c.register(T.cancelJob, {
    lifetime: 'singleton',
    factory: async (r) => new CancelJob(await cancelDeps(r)),
  });
  c.register(T.adminCancelJob, {
    lifetime: 'singleton',
    factory: async (r) =>
      new AdminCancelJob({
        ...(await cancelDeps(r)),
        audit: await r.resolve(T.auditLog),
        logger: await r.resolve(T.logger),
      }),
  });
  c.register(T.retryJob, {
    lifetime: 'singleton',
    factory: async (r) =>
      new RetryJob({
        jobs: await r.resolve(T.jobs),
        activity: await r.resolve(T.activity),
        signal: await r.resolve(T.workSignal),
        clock: await r.resolve(T.clock),
        logger: await r.resolve(T.logger),
      }),
  });
  c.register(T.deleteJob, {
    lifetime: 'singleton',
    factory: async (r) =>
      new DeleteJob({
        jobs: await r.resolve(T.jobs),
        events: await r.resolve(T.jobEventLog),
        storage: await r.resolve(T.storage),
        cache: await r.resolve(T.cache),
        audit: await r.resolve(T.auditLog),
        clock: await r.resolve(T.clock),
        logger: await r.resolve(T.logger),
        settings: { storagePrefix: config.storage.prefix },
      }),
  });
  c.register(T.getJobLogs, {
    lifetime: 'singleton',
    factory: async (r) =>
      new GetJobLogs({ jobs: await r.resolve(T.jobs), events: await r.resolve(T.jobEventLog) }),
  });
  c.register(T.getCurrentUser, {
    lifetime: 'singleton',
    factory: async (r) =>
      new GetCurrentUser({
        users: await r.resolve(T.users),
        jobs: await r.resolve(T.jobs),
        clock: await r.resolve(T.clock),
      }),
  });
  c.register(T.getPreferences, {
    lifetime: 'singleton',
    factory: async (r) => new GetPreferences({ users: await r.resolve(T.users) }),
  });
  c.register(T.updatePreferences, {
    lifetime: 'singleton',
    factory: async (r) =>
      new UpdatePreferences({ users: await r.resolve(SubmitUsersToken), clock: await r.resolve(T.clock) }),
  });
  c.register(SubmitUsersToken, {
    lifetime: 'singleton',
    factory: async (r) => new CachedUserRepository(await r.resolve(T.users), { ttlMs: 5_000 }),
  });
  c.register(T.getDashboardStats, {
    lifetime: 'singleton',
    factory: async (r) =>
      new GetDashboardStats({ jobs: await r.resolve(T.jobs), clock: await r.resolve(T.clock) }),
  });
  c.register(T.listRecentJobs, {
    lifetime: 'singleton',
    factory: async (r) => new ListRecentJobs({ jobs: await r.resolve(T.jobs) }),
  });
  c.register(T.listAllJobs, {
    lifetime: 'singleton',
    factory: async (r) =>
      new ListAllJobs({
        jobs: await r.resolve(T.jobs),
        audit: await r.resolve(T.auditLog),
        clock: await r.resolve(T.clock),
        logger: await r.resolve(T.logger),
      }),
  });
}

/** Claim lease of a webhook attempt beyond the sender's timeout, in ms. */
const WEBHOOK_LEASE_MARGIN_MS = 30_000;
/** Webhook deliveries claimed and sent at once per pass. */
const WEBHOOK_BATCH_SIZE = 10;

/**
 * Webhooks (DESIGN §5 `callbackUrl`): the outbox repository, the signed sender with its SSRF
 * guard, the DispatchWebhooks use case, and its loop, started only where the worker runs.
 */
function registerWebhooks(c: Container, config: Config, logger: Logger): void {
  const settings = config.webhooks;
  c.register(T.webhookDeliveries, {
    lifetime: 'singleton',
    factory: async (r) => new KyselyWebhookDeliveryRepository((await r.resolve(DatabaseToken)).db),
  });
  c.register(T.webhookSender, {
    lifetime: 'singleton',
    factory: () => {
      let secret = settings.signingSecret;
      if (secret === undefined) {
        // Production refuses to start without WEBHOOK_SECRET (config); elsewhere, one per run.
        secret = `whsec_${randomBytes(32).toString('base64')}`;
        logger.warn(
          {},
          `WEBHOOK_SECRET is not set: webhooks are signed with a key generated for this run: ${secret}`,
        );
      }
      return new NodeHttpWebhookSender({
        secret,
        timeoutMs: settings.timeoutMs,
        allowPrivateNetworks: settings.allowPrivateNetworks,
      });
    },
  });
  c.register(T.dispatchWebhooks, {
    lifetime: 'singleton',
    factory: async (r) =>
      new DispatchWebhooks({
        deliveries: await r.resolve(T.webhookDeliveries),
        jobs: await r.resolve(T.jobs),
        sender: await r.resolve(T.webhookSender),
        clock: await r.resolve(T.clock),
        logger: await r.resolve(T.logger),
        presentJob: (job) => presentJob(job),
        settings: {
          batchSize: WEBHOOK_BATCH_SIZE,
          leaseMs: settings.timeoutMs + WEBHOOK_LEASE_MARGIN_MS,
          retryScheduleMs: settings.retryScheduleMs,
          jitter: 0.2,
        },
      }),
  });
  c.register(T.webhookDispatchLoop, {
    lifetime: 'singleton',
    factory: async (r) =>
      new WebhookDispatchLoop({
        dispatchWebhooks: await r.resolve(T.dispatchWebhooks),
        logger: await r.resolve(T.logger),
        settings: { intervalMs: settings.pollIntervalMs, batchSize: WEBHOOK_BATCH_SIZE },
      }),
    // Runs where the job worker runs (`npm start` with WORKER_CONCURRENCY > 0, `npm run worker`).
    start: (loop) => {
      if (config.worker.concurrency > 0) loop.start();
    },
    stop: (loop) => loop.stop(),
    health: (loop): HealthResult => ({ status: 'up', detail: loop.status }),
  });
}
