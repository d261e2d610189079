import type { Readable } from 'node:stream';
import type { ResultAsync } from 'neverthrow';
import { FixedClock } from '../../src/adapters/memory/fixed-clock.js';
import { InMemoryCache } from '../../src/adapters/memory/in-memory-cache.js';
import { InMemoryApiKeyRepository } from '../../src/adapters/memory/in-memory-api-key-repository.js';
import { InMemoryJobEventRepository } from '../../src/adapters/memory/in-memory-job-event-repository.js';
import { InMemoryJobRepository } from '../../src/adapters/memory/in-memory-job-repository.js';
import { InMemoryMetrics } from '../../src/adapters/memory/in-memory-metrics.js';
import { InMemoryObjectStorage } from '../../src/adapters/memory/in-memory-object-storage.js';
import { InMemoryUserRepository } from '../../src/adapters/memory/in-memory-user-repository.js';
import { InProcessJobEvents } from '../../src/adapters/memory/in-process-job-events.js';
import { InProcessWorkSignal } from '../../src/adapters/memory/in-process-work-signal.js';
import { SequentialIdGenerator } from '../../src/adapters/memory/sequential-id-generator.js';
import { AuthenticateApiKey } from '../../src/application/authenticate-api-key.js';
import { EnsureBootstrapApiKey } from '../../src/application/ensure-bootstrap-api-key.js';
import { GetJobMetadata } from '../../src/application/get-job-metadata.js';
import { GetJobStatus } from '../../src/application/get-job-status.js';
import { JobActivity } from '../../src/application/job-activity.js';
import { OpenJobAsset } from '../../src/application/open-job-asset.js';
import {
  ProcessNextJob,
  type ProcessNextJobSettings,
  type ProcessOutcome,
} from '../../src/application/process-next-job.js';
import { RecoverExpiredLeases } from '../../src/application/recover-expired-leases.js';
import { SubmitVideoJob } from '../../src/application/submit-video-job.js';
import type { BackoffPolicy } from '../../src/domain/backoff.js';
import type { Job } from '../../src/domain/job.js';
import type { JobEvent } from '../../src/domain/job-event.js';
import type { Principal } from '../../src/domain/principal.js';
import type { VideoSpecInput } from '../../src/domain/video-spec.js';
import type { ByteRange } from '../../src/domain/byte-range.js';
import type {
  DatabaseUnavailable,
  InvalidCursor,
  JobNotFound,
  ObjectNotFound,
  StorageUnavailable,
  VersionConflict,
} from '../../src/ports/errors.js';
import type {
  JobCompletion,
  JobCompletionOutcome,
  JobCounts,
  JobListQuery,
  JobPage,
  JobRepository,
  LeaseRenewal,
  OwnerJobStats,
} from '../../src/ports/job-repository.js';
import type { JobUpdate } from '../../src/ports/job-events.js';
import type { Logger } from '../../src/ports/logger.js';
import type {
  ObjectBody,
  ObjectStorage,
  PutObjectOptions,
  StoredObjectInfo,
} from '../../src/ports/object-storage.js';
import type { WorkSignal } from '../../src/ports/work-signal.js';
import type { PassageRetriever } from '../../src/ports/passage-retriever.js';
import type { ScratchFiles } from '../../src/ports/scratch-files.js';
import type { UploadRepository } from '../../src/ports/upload-repository.js';
import { ScriptedVideoRenderer } from './scripted-video-renderer.js';

/** Where the fixture's clock starts. */
export const T0 = new Date('2026-01-01T00:00:00.000Z');
/** `T0` plus `ms` milliseconds. */
export const at = (ms: number): Date => new Date(T0.getTime() + ms);

/** The `n`-th id of a `SequentialIdGenerator` starting at 1. */
export const seqId = (n: number): string => `00000000-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;
/** Job and API-key ids come from `ids`; event ids from a second generator starting here. */
export const EVENT_ID_START = 0x100000;
/** The `n`-th JobEvent id (1-based). */
export const eventId = (n: number): string => seqId(EVENT_ID_START + n - 1);

export const ALICE = 'user_alice';
export const BOB = 'user_bob';

export interface FixtureSettings {
  /** Attempts of a new job. */
  maxAttempts: number;
  leaseMs: number;
  storagePrefix: string;
  backoff: BackoffPolicy;
  /** Heartbeat period (real ms) of ProcessNextJob: short, so cancels and lost leases are seen quickly. */
  heartbeatMs: number;
  /** Minimum real ms between stored progress writes; 0 stores every report, so events are deterministic. */
  progressIntervalMs: number;
  presignExpiresSeconds: number;
  /** The backoff jitter source's constant value. */
  random: number;
  /** Lifetime of a cached job-status view, in ms of the fixed clock (0 disables the cache). */
  statusCacheTtlMs: number;
}

export const DEFAULT_SETTINGS: Readonly<FixtureSettings> = {
  maxAttempts: 3,
  leaseMs: 30_000,
  storagePrefix: 'test',
  backoff: { baseMs: 1_000, maxMs: 60_000 },
  heartbeatMs: 10,
  progressIntervalMs: 0,
  presignExpiresSeconds: 300,
  random: 0.5,
  statusCacheTtlMs: 1_000,
};

export interface LogEntry {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly msg: string | undefined;
  readonly obj: Record<string, unknown>;
}

/** A `Logger` that keeps what it is told (children share the parent's list, with their bindings merged). */
export class RecordingLogger implements Logger {
  constructor(
    readonly entries: LogEntry[] = [],
    private readonly bindings: Record<string, unknown> = {},
  ) {}
  debug(obj: Record<string, unknown>, msg?: string): void {
    this.entries.push({ level: 'debug', msg, obj: { ...this.bindings, ...obj } });
  }
  info(obj: Record<string, unknown>, msg?: string): void {
    this.entries.push({ level: 'info', msg, obj: { ...this.bindings, ...obj } });
  }
  warn(obj: Record<string, unknown>, msg?: string): void {
    this.entries.push({ level: 'warn', msg, obj: { ...this.bindings, ...obj } });
  }
  error(obj: Record<string, unknown>, msg?: string): void {
    this.entries.push({ level: 'error', msg, obj: { ...this.bindings, ...obj } });
  }
  child(bindings: Record<string, unknown>): Logger {
    return new RecordingLogger(this.entries, { ...this.bindings, ...bindings });
  }
}

export interface FixtureOptions {
  readonly settings?: Partial<FixtureSettings>;
  /** The renderer (default: a `ScriptedVideoRenderer` that succeeds). */
  readonly renderer?: ScriptedVideoRenderer;
  /** Wraps the job repository the use cases see (fault injection); the fixture's `jobs` stays the real one. */
  readonly wrapJobs?: (jobs: InMemoryJobRepository, clock: FixedClock) => JobRepository;
  /** Wraps the object storage the use cases see; the fixture's `storage` stays the real one. */
  readonly wrapStorage?: (storage: InMemoryObjectStorage) => ObjectStorage;
}

/** Every in-memory adapter and every use case, wired as the composition root would, on a fixed clock. */
export function createApplicationFixture(options: FixtureOptions = {}) {
  const settings: FixtureSettings = { ...DEFAULT_SETTINGS, ...options.settings };
  const clock = new FixedClock(T0);
  const ids = new SequentialIdGenerator();
  const eventIds = new SequentialIdGenerator({ start: EVENT_ID_START });
  const events = new InMemoryJobEventRepository();
  const jobs = new InMemoryJobRepository(clock, { events });
  const apiKeys = new InMemoryApiKeyRepository();
  const users = new InMemoryUserRepository();
  const storage = new InMemoryObjectStorage({ clock });
  const logger = new RecordingLogger();
  const metrics = new InMemoryMetrics();
  const live = new InProcessJobEvents({ logger });
  const signal = new InProcessWorkSignal();
  const cache = new InMemoryCache({ now: () => clock.now().getTime() });
  const renderer = options.renderer ?? new ScriptedVideoRenderer();
  const seenJobs = options.wrapJobs?.(jobs, clock) ?? jobs;
  const seenStorage = options.wrapStorage?.(storage) ?? storage;

  const activity = new JobActivity({ events, live, ids: eventIds, clock, logger, cache });
  const processSettings: ProcessNextJobSettings = {
    leaseMs: settings.leaseMs,
    heartbeatMs: settings.heartbeatMs,
    progressIntervalMs: settings.progressIntervalMs,
    storagePrefix: settings.storagePrefix,
    backoff: settings.backoff,
  };
  const makeProcessNextJob = (
    overrides: {
      renderer?: ScriptedVideoRenderer;
      settings?: Partial<ProcessNextJobSettings>;
      retriever?: PassageRetriever;
      uploads?: UploadRepository;
      scratchFiles?: ScratchFiles;
    } = {},
  ): ProcessNextJob =>
    new ProcessNextJob({
      jobs: seenJobs,
      activity,
      renderer: overrides.renderer ?? renderer,
      storage: seenStorage,
      clock,
      logger,
      metrics,
      settings: { ...processSettings, ...overrides.settings },
      random: () => settings.random,
      ...(overrides.retriever !== undefined ? { retriever: overrides.retriever } : {}),
      ...(overrides.uploads !== undefined ? { uploads: overrides.uploads } : {}),
      ...(overrides.scratchFiles !== undefined ? { scratchFiles: overrides.scratchFiles } : {}),
    });

  const useCases = {
    activity,
    submitVideoJob: new SubmitVideoJob({
      jobs: seenJobs,
      activity,
      signal,
      clock,
      ids,
      logger,
      settings: { maxAttempts: settings.maxAttempts },
    }),
    getJobStatus: new GetJobStatus({ jobs: seenJobs, cache, cacheTtlMs: settings.statusCacheTtlMs }),
    getJobMetadata: new GetJobMetadata({ jobs: seenJobs, events }),
    openJobAsset: new OpenJobAsset({
      jobs: seenJobs,
      storage: seenStorage,
      settings: { presignExpiresSeconds: settings.presignExpiresSeconds },
    }),
    processNextJob: makeProcessNextJob(),
    recoverExpiredLeases: new RecoverExpiredLeases({ jobs: seenJobs, activity, signal }),
    authenticateApiKey: new AuthenticateApiKey({ apiKeys, users, clock }),
    ensureBootstrapApiKey: new EnsureBootstrapApiKey({ apiKeys, users, clock, ids }),
  };

  const fixture = {
    settings,
    clock,
    ids,
    eventIds,
    jobs,
    events,
    apiKeys,
    users,
    storage,
    logger,
    metrics,
    live,
    signal,
    cache,
    renderer,
    ...useCases,
    makeProcessNextJob,

    /** A principal for `userId` (API key, scope `jobs`). */
    principal(userId: string, role: Principal['role'] = 'user'): Principal {
      return { userId, role, scopes: ['jobs'], via: 'api-key' };
    },

    /** Submits a valid job (topic defaults to "Photosynthesis") and returns it; throws on failure. */
    async submit(input: { ownerId?: string; spec?: VideoSpecInput; priority?: number } = {}): Promise<Job> {
      const result = await useCases.submitVideoJob.execute({
        ownerId: input.ownerId ?? ALICE,
        spec: input.spec ?? {
          topic: 'Photosynthesis',
          context: 'Plants turn light into sugar. Leaves hold chlorophyll.',
        },
        ...(input.priority !== undefined ? { priority: input.priority } : {}),
      });
      if (result.isErr()) throw new Error(`submit failed: ${JSON.stringify(result.error)}`);
      return result.value;
    },

    /** Runs ProcessNextJob once for `workerId`, with `shutdown` (default: never aborted). */
    process(
      workerId = 'worker-1',
      shutdown: AbortSignal = new AbortController().signal,
    ): Promise<ProcessOutcome> {
      return useCases.processNextJob.execute({ workerId, shutdown });
    },

    /** The stored job; throws when missing. */
    async job(jobId: string): Promise<Job> {
      return (await jobs.findById(jobId))._unsafeUnwrap();
    },

    /** The job's whole log, oldest first. */
    async eventsOf(jobId: string): Promise<JobEvent[]> {
      return [...(await events.list(jobId, { limit: 500 }))._unsafeUnwrap().items];
    },

    /** Collects the live updates of `jobId` from now on. */
    async watch(jobId: string): Promise<JobUpdate[]> {
      const seen: JobUpdate[] = [];
      await live.subscribe(jobId, (u) => seen.push(u));
      return seen;
    },

    /** Counts work signals from now on. */
    async countSignals(on: WorkSignal = signal): Promise<{ count: number }> {
      const counter = { count: 0 };
      await on.subscribe(() => {
        counter.count += 1;
      });
      return counter;
    },

    /** Keys in storage under `prefix` (default: all). */
    async storedKeys(prefix = ''): Promise<string[]> {
      return (await storage.list(prefix))._unsafeUnwrap();
    },

    /** The bytes of a stored object; throws when missing. */
    async readObject(key: string): Promise<Buffer> {
      const body = (await storage.get(key))._unsafeUnwrap();
      return readAll(body.stream);
    },
  };
  return fixture;
}

export type ApplicationFixture = ReturnType<typeof createApplicationFixture>;

/** Reads a stream to its end. */
export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** Polls `predicate` every few ms until it holds; throws after `timeoutMs`. */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  { timeoutMs = 3_000, what = 'condition' }: { timeoutMs?: number; what?: string } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Resolves after `ms` real milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A `JobRepository` that forwards every call to a real one; fault-injection doubles extend it and
 * override one method (the real adapter still decides every outcome).
 */
export class DelegatingJobRepository implements JobRepository {
  constructor(protected readonly inner: JobRepository) {}
  insert(job: Job): ResultAsync<Job, DatabaseUnavailable> {
    return this.inner.insert(job);
  }
  insertWithEvent(job: Job, event: JobEvent): ResultAsync<Job, DatabaseUnavailable> {
    return this.inner.insertWithEvent(job, event);
  }
  get wakesWorkersOnInsert(): boolean {
    return this.inner.wakesWorkersOnInsert === true;
  }
  findById(jobId: string): ResultAsync<Job, JobNotFound | DatabaseUnavailable> {
    return this.inner.findById(jobId);
  }
  update(job: Job): ResultAsync<Job, JobNotFound | VersionConflict | DatabaseUnavailable> {
    return this.inner.update(job);
  }
  claim(workerId: string, leaseMs: number, limit: number): ResultAsync<Job[], DatabaseUnavailable> {
    return this.inner.claim(workerId, leaseMs, limit);
  }
  completeMany(
    completions: readonly JobCompletion[],
  ): ResultAsync<JobCompletionOutcome[], DatabaseUnavailable> {
    return this.inner.completeMany(completions);
  }
  renewLease(
    jobId: string,
    attempt: number,
    leaseMs: number,
  ): ResultAsync<LeaseRenewal | null, DatabaseUnavailable> {
    return this.inner.renewLease(jobId, attempt, leaseMs);
  }
  recoverExpiredLeases(): ResultAsync<Job[], DatabaseUnavailable> {
    return this.inner.recoverExpiredLeases();
  }
  msUntilNextLeaseExpiry(): ResultAsync<number | null, DatabaseUnavailable> {
    return this.inner.msUntilNextLeaseExpiry();
  }
  queuePosition(jobId: string): ResultAsync<number | null, DatabaseUnavailable> {
    return this.inner.queuePosition(jobId);
  }
  countByStatus(): ResultAsync<JobCounts, DatabaseUnavailable> {
    return this.inner.countByStatus();
  }
  list(query: JobListQuery): ResultAsync<JobPage, InvalidCursor | DatabaseUnavailable> {
    return this.inner.list(query);
  }
  delete(
    jobId: string,
    expectedVersion: number,
  ): ResultAsync<void, JobNotFound | VersionConflict | DatabaseUnavailable> {
    return this.inner.delete(jobId, expectedVersion);
  }
  statsForOwner(ownerId: string, since: Date): ResultAsync<OwnerJobStats, DatabaseUnavailable> {
    return this.inner.statsForOwner(ownerId, since);
  }
  throughputStats(windowMs: number): ReturnType<JobRepository['throughputStats']> {
    return this.inner.throughputStats(windowMs);
  }
  queueSnapshot(runningLimit: number): ReturnType<JobRepository['queueSnapshot']> {
    return this.inner.queueSnapshot(runningLimit);
  }
  ping(): ResultAsync<void, DatabaseUnavailable> {
    return this.inner.ping();
  }
}

/** An `ObjectStorage` that forwards every call to a real one; fault-injection doubles override one method. */
export class DelegatingObjectStorage implements ObjectStorage {
  constructor(protected readonly inner: ObjectStorage) {}
  putFile(
    key: string,
    filePath: string,
    options: PutObjectOptions,
  ): ResultAsync<StoredObjectInfo, StorageUnavailable> {
    return this.inner.putFile(key, filePath, options);
  }
  putStream(
    key: string,
    body: Readable,
    options: PutObjectOptions,
  ): ResultAsync<StoredObjectInfo, StorageUnavailable> {
    return this.inner.putStream(key, body, options);
  }
  head(key: string): ResultAsync<StoredObjectInfo, ObjectNotFound | StorageUnavailable> {
    return this.inner.head(key);
  }
  get(key: string, range?: ByteRange): ResultAsync<ObjectBody, ObjectNotFound | StorageUnavailable> {
    return this.inner.get(key, range);
  }
  delete(key: string): ResultAsync<void, StorageUnavailable> {
    return this.inner.delete(key);
  }
  deletePrefix(prefix: string): ResultAsync<number, StorageUnavailable> {
    return this.inner.deletePrefix(prefix);
  }
  list(prefix: string): ResultAsync<string[], StorageUnavailable> {
    return this.inner.list(prefix);
  }
  presignGet(key: string, expiresInSeconds: number): ResultAsync<string | null, StorageUnavailable> {
    return this.inner.presignGet(key, expiresInSeconds);
  }
  check(): ResultAsync<void, StorageUnavailable> {
    return this.inner.check();
  }
}
