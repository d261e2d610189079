import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { FsScratchSpace } from '../../src/adapters/fs/fs-scratch-space.js';
import { createPinoLogger } from '../../src/adapters/pino/pino-logger.js';
import { KyselyJobEventRepository } from '../../src/adapters/postgres/kysely-job-event-repository.js';
import { KyselyJobRepository } from '../../src/adapters/postgres/kysely-job-repository.js';
import { KyselyUploadRepository } from '../../src/adapters/postgres/kysely-upload-repository.js';
import {
  createPostgresDatabase,
  type PostgresDatabaseHandle,
} from '../../src/adapters/postgres/postgres-database.js';
import { S3ObjectStorage } from '../../src/adapters/s3/s3-object-storage.js';
import { SystemClock } from '../../src/adapters/system/system-clock.js';
import { PurgeExpiredData, type PurgeReport } from '../../src/application/purge-expired-data.js';
import type { Logger } from '../../src/ports/logger.js';
import type { S3TestServer } from '../support/s3rver.js';
import { startServer, type RunningServer } from '../e2e/server.js';

/**
 * Shared machinery of the fault-injection suite (`test/reliability`): real processes (the built
 * server and worker from `dist/`), a fresh PostgreSQL database per file, s3rver, Redis; job
 * invariants read straight from the database and the object store; the result table.
 */

export const API_KEY = 'reliability-key-0123456789abcdef0123';
/** Runs per scenario (`RELIABILITY_ROUNDS=N` for a longer soak; default 1). */
export const ROUNDS = Math.max(1, Number(process.env['RELIABILITY_ROUNDS'] ?? '1') || 1);
export const LEASE_SECONDS = 5;
export const SWEEP_SECONDS = 1;
export const TERMINAL = ['completed', 'failed', 'cancelled'];
export const STORAGE_PREFIX = 'rel';

export const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? process.env['DATABASE_URL'];

/** A fresh database on the test server (dropped by `drop()`). */
export async function createDatabase(baseUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `framecast_rel_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: baseUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/** One row of the suite's table. */
export interface ScenarioResult {
  scenario: string;
  runs: number;
  jobs: number;
  lost: number;
  duplicated: number;
  stuck: number;
  /** Longest time (s) until an interrupted job ran again / a cancel took effect / the service recovered. */
  maxRecoverySeconds: number | null;
  notes?: string;
}

/** Prints the table (one line per scenario) to stdout. */
export function printTable(title: string, rows: readonly ScenarioResult[]): void {
  const header = ['scenario', 'runs', 'jobs', 'lost', 'duplicated', 'stuck', 'max recovery s', 'notes'];
  const lines = rows.map((r) => [
    r.scenario,
    String(r.runs),
    String(r.jobs),
    String(r.lost),
    String(r.duplicated),
    String(r.stuck),
    r.maxRecoverySeconds === null ? '-' : r.maxRecoverySeconds.toFixed(2),
    r.notes ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const out = [
    `\n${title} (RELIABILITY_ROUNDS=${ROUNDS})`,
    fmt(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...lines.map(fmt),
    '',
  ].join('\n');
  process.stdout.write(out);
}

export interface JobRow {
  id: string;
  owner_id: string;
  status: string;
  attempts: number;
  progress_stage: string;
  progress_percent: number;
  lease_owner: string | null;
  lease_expires_at: Date | null;
  cancel_requested_at: Date | null;
  result: { videoKey: string; thumbnailKey: string; subtitlesKey: string; sizeBytes: number } | null;
  error: { code: string; message: string } | null;
}

/** Everything a scenario needs: the database, storage, API and worker processes. */
export class Cluster {
  readonly processes: RunningServer[] = [];
  readonly workers: RunningServer[] = [];
  api!: RunningServer;
  db!: pg.Pool;
  storage!: S3ObjectStorage;
  dataDir!: string;

  constructor(
    readonly options: {
      readonly databaseUrl: string;
      readonly s3: S3TestServer;
      readonly redisUrl?: string | undefined;
      readonly env?: Record<string, string>;
    },
  ) {}

  env(extra: Record<string, string> = {}): Record<string, string> {
    const { s3 } = this.options;
    return {
      APP_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATA_DIR: this.dataDir,
      DATABASE_URL: this.options.databaseUrl,
      DATABASE_CONNECT_TIMEOUT_MS: '1000',
      DATABASE_CONNECT_DEADLINE_SECONDS: '60',
      ...(this.options.redisUrl !== undefined ? { REDIS_URL: this.options.redisUrl } : {}),
      S3_BUCKET: s3.bucket,
      S3_ENDPOINT: s3.endpoint,
      S3_REGION: s3.region,
      S3_FORCE_PATH_STYLE: 'true',
      S3_PREFIX: STORAGE_PREFIX,
      AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
      FRAMECAST_API_KEY: API_KEY,
      QUEUE_LEASE_SECONDS: String(LEASE_SECONDS),
      QUEUE_SWEEP_INTERVAL_SECONDS: String(SWEEP_SECONDS),
      QUEUE_POLL_INTERVAL_MS: '250',
      QUEUE_BACKOFF_BASE_SECONDS: '0',
      QUEUE_BACKOFF_MAX_SECONDS: '1',
      QUEUE_MAX_ATTEMPTS: '3',
      SHUTDOWN_GRACE_SECONDS: '2',
      RATE_LIMIT_PER_MINUTE: '1000000',
      ...this.options.env,
      ...extra,
    };
  }

  async start(workers: number, workerEnv: Record<string, string> = {}): Promise<void> {
    this.dataDir = await mkdtemp(path.join(tmpdir(), 'framecast-rel-'));
    this.db = new pg.Pool({ connectionString: this.options.databaseUrl, max: 4 });
    this.db.on('error', () => undefined);
    const { s3 } = this.options;
    this.storage = new S3ObjectStorage({
      bucket: s3.bucket,
      region: s3.region,
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: s3.credentials,
    });
    this.api = await startServer(this.env({ WORKER_CONCURRENCY: '0' }));
    this.processes.push(this.api);
    await Promise.all(Array.from({ length: workers }, () => this.startWorker(workerEnv)));
  }

  async startWorker(extra: Record<string, string> = {}): Promise<RunningServer> {
    const worker = await startServer(this.env({ WORKER_CONCURRENCY: '1', ...extra }), 60_000, 'worker');
    this.processes.push(worker);
    this.workers.push(worker);
    return worker;
  }

  /** Live worker processes. */
  liveWorkers(): RunningServer[] {
    return this.workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
  }

  /** Output of a process that exited on its own (a crash), for an assertion message. */
  crashes(): string[] {
    return this.processes
      .filter((p) => p.child.exitCode !== null && p.child.exitCode !== 0)
      .map((p) => `pid ${p.child.pid} exited ${p.child.exitCode}:\n${p.output().slice(-3000)}`);
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.processes.map(async (p) => {
        p.child.kill('SIGCONT');
        const exit = p.stop('SIGTERM');
        const timer = setTimeout(() => p.child.kill('SIGKILL'), 10_000);
        await exit;
        clearTimeout(timer);
      }),
    );
    await this.db?.end().catch(() => undefined);
    if (this.dataDir) await rm(this.dataDir, { recursive: true, force: true });
  }

  api$(pathname: string, init: RequestInit = {}, server: RunningServer = this.api): Promise<Response> {
    return fetch(`${server.baseUrl}/api/v1${pathname}`, {
      redirect: 'manual',
      ...init,
      headers: {
        'x-api-key': API_KEY,
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(init.headers ?? {}),
      },
    });
  }

  /** Submits a job; @returns its id (throws unless 201). */
  async submit(spec: Record<string, unknown> = {}): Promise<string> {
    const res = await this.api$('/videos/generate', {
      method: 'POST',
      body: JSON.stringify({ ...defaultSpec(), ...spec }),
    });
    if (res.status !== 201) throw new Error(`submit answered ${res.status}: ${await res.text()}`);
    return ((await res.json()) as { id: string }).id;
  }

  async job(id: string): Promise<JobRow | undefined> {
    const { rows } = await this.db.query<JobRow>('SELECT * FROM jobs WHERE id = $1', [id]);
    return rows[0];
  }

  /** Polls the job until `predicate` holds; @returns the row and when it held (performance.now()). */
  async waitFor(
    id: string,
    predicate: (row: JobRow) => boolean,
    timeoutMs: number,
    pollMs = 50,
  ): Promise<{ row: JobRow; at: number } | null> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const row = await this.job(id).catch(() => undefined);
      if (row !== undefined && predicate(row)) return { row, at: performance.now() };
      await sleep(pollMs);
    }
    return null;
  }

  /** Waits until every job is terminal or the timeout passes; @returns the rows. */
  async waitTerminal(ids: readonly string[], timeoutMs: number): Promise<JobRow[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { rows } = await this.db.query<JobRow>('SELECT * FROM jobs WHERE id = ANY($1)', [ids]);
      if (rows.length === ids.length && rows.every((r) => TERMINAL.includes(r.status))) return rows;
      if (Date.now() > deadline) return rows;
      await sleep(250);
    }
  }

  /** The worker process holding `row`'s lease (the lease owner is `host:pid:random`). */
  ownerOf(row: JobRow): RunningServer | undefined {
    const pid = Number(row.lease_owner?.split(':')[1]);
    return this.workers.find((w) => w.child.pid === pid);
  }

  /**
   * Checks the invariants over `ids` (after they had time to finish):
   * - lost: a job that was accepted but is missing or not terminal (and not processing);
   * - stuck: a job still `processing`;
   * - duplicated: more than one 'Job completed' event, a completed job whose files are not all
   *   present or whose folder holds another attempt's files (after the orphan sweep), or a
   *   failed/cancelled job with files left;
   * - every completed job's download answers 200 with its size.
   * @returns counts and the problems found (for the assertion message).
   */
  async checkInvariants(
    ids: readonly string[],
    options: { expectStatus?: string } = {},
  ): Promise<{ lost: number; stuck: number; duplicated: number; problems: string[]; rows: JobRow[] }> {
    const problems: string[] = [];
    const { rows } = await this.db.query<JobRow>('SELECT * FROM jobs WHERE id = ANY($1)', [ids]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const { rows: completions } = await this.db.query<{ job_id: string; n: number }>(
      `SELECT job_id, count(*)::int AS n FROM job_events WHERE message = 'Job completed' AND job_id = ANY($1) GROUP BY job_id`,
      [ids],
    );
    const completedEvents = new Map(completions.map((c) => [c.job_id, c.n]));
    let lost = 0;
    let stuck = 0;
    let duplicated = 0;
    for (const id of ids) {
      const row = byId.get(id);
      if (row === undefined || row.status === 'queued') {
        lost += 1;
        problems.push(`${id}: ${row === undefined ? 'missing' : 'still queued'}`);
        continue;
      }
      if (row.status === 'processing') {
        stuck += 1;
        problems.push(`${id}: still processing (stage ${row.progress_stage}, lease ${row.lease_owner})`);
        continue;
      }
      if (options.expectStatus !== undefined && row.status !== options.expectStatus)
        problems.push(`${id}: ended ${row.status} (${row.error?.code ?? ''} ${row.error?.message ?? ''})`);
      let events = completedEvents.get(id) ?? 0;
      // The 'Job completed' event is appended just after the completing write: give it a moment.
      for (let i = 0; i < 10 && row.status === 'completed' && events === 0; i += 1) {
        await sleep(200);
        const { rows: again } = await this.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM job_events WHERE message = 'Job completed' AND job_id = $1`,
          [id],
        );
        events = again[0]?.n ?? 0;
      }
      const keys = await this.keysOf(row);
      if (row.status === 'completed') {
        const result = row.result!;
        const wanted = [result.videoKey, result.thumbnailKey, result.subtitlesKey].sort();
        const extra = keys.filter((k) => !wanted.includes(k));
        const missing = wanted.filter((k) => !keys.includes(k));
        if (events !== 1 || extra.length > 0 || missing.length > 0) {
          duplicated += 1;
          problems.push(
            `${id}: ${events} completions, extra ${extra.join(',')}, missing ${missing.join(',')}`,
          );
        }
        const download = await this.api$(`/videos/jobs/${id}/download`);
        const bytes = (await download.arrayBuffer()).byteLength;
        if (download.status !== 200 || bytes !== result.sizeBytes) {
          problems.push(`${id}: download ${download.status}, ${bytes} bytes (want ${result.sizeBytes})`);
          duplicated += 1;
        }
      } else if (events > 0 || keys.length > 0) {
        duplicated += 1;
        problems.push(`${id}: ${row.status} with ${events} completions and files ${keys.join(',')}`);
      }
    }
    return { lost, stuck, duplicated, problems, rows };
  }

  /**
   * Runs the retention use case (PurgeExpiredData, the production code) with no grace period:
   * files of attempts that died mid-upload are orphans it must remove, and nothing else.
   */
  async sweepOrphans(): Promise<PurgeReport> {
    const handle: PostgresDatabaseHandle = await createPostgresDatabase({
      connectionString: this.options.databaseUrl,
      poolMax: 2,
      connectionTimeoutMs: 5_000,
      statementTimeoutMs: 30_000,
    });
    try {
      const purge = new PurgeExpiredData({
        jobs: new KyselyJobRepository(handle.db),
        events: new KyselyJobEventRepository(handle.db),
        uploads: new KyselyUploadRepository(handle.db),
        storage: this.storage,
        scratch: new FsScratchSpace(path.join(this.dataDir, 'tmp')),
        clock: new SystemClock(),
        logger: createPinoLogger({ level: 'silent' }) as unknown as Logger,
        settings: {
          storagePrefix: STORAGE_PREFIX,
          retentionMs: 365 * 86_400_000,
          orphanGraceMs: 0,
          scratchMaxAgeMs: 6 * 3_600_000,
        },
      });
      return (await purge.execute())._unsafeUnwrap();
    } finally {
      await handle.close();
    }
  }

  /** Stored keys under the job's folder. */
  async keysOf(row: JobRow): Promise<string[]> {
    return (await this.storage.list(`${STORAGE_PREFIX}/${row.owner_id}/${row.id}/`))._unsafeUnwrap();
  }
}

export const defaultSpec = (): Record<string, unknown> => ({
  topic: 'Reliability',
  context:
    'A queue must never lose a job. It must never publish two results. It must recover a crashed worker quickly. ' +
    'Leases and fencing make that possible.',
  quality: 'preview',
  narration: true,
});

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
