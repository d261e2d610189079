import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Logger, makeWorkerUtils, run, runMigrations, type Runner } from 'graphile-worker';
import { sql } from 'kysely';
import { migrateToLatest } from '../src/adapters/postgres/migrate.js';
import { KyselyJobRepository } from '../src/adapters/postgres/kysely-job-repository.js';
import { jobToColumns } from '../src/adapters/postgres/job-row.js';
import {
  createPostgresDatabase,
  type PostgresDatabaseHandle,
} from '../src/adapters/postgres/postgres-database.js';
import { mutateJob } from '../src/application/mutate-job.js';
import { loadConfig } from '../src/config/config.js';
import { createContainer } from '../src/container/composition-root.js';
import { T } from '../src/container/tokens.js';
import { completeJob, createJob, type Job } from '../src/domain/job.js';
import type { VideoAsset } from '../src/domain/video-asset.js';
import { VideoSpec } from '../src/domain/video-spec.js';
import type { JobRepository } from '../src/ports/job-repository.js';
import { ScriptedVideoRenderer } from '../test/support/scripted-video-renderer.js';
import {
  absolute,
  fmt,
  isQuick,
  met,
  percentile,
  printSection,
  type Row,
  type Section,
} from './lib/report.js';
import { createDatabase, isMain, sleep, type BenchDatabase } from './lib/services.js';

// graphile-worker can keep an idle pool client past `runner.stop()`; when this script drops its
// database (WITH FORCE) that client receives 57P01 "terminating connection due to administrator
// command" with no listener, which would crash the run. Only that error is ignored here.
process.on('uncaughtException', (error: Error & { code?: string }) => {
  if (error.code === '57P01') return;
  throw error;
});

const CLAIMERS = 10;
const LEASE_MS = 30_000;
/** Jobs per claim of the headline row: graphile-worker tuned's local queue size. */
const HEADLINE_BATCH = 500;

/** Kernel clock ticks per second (`getconf CLK_TCK`; 100 on Linux). */
const CLOCK_TICKS = 100;

/**
 * CPU seconds spent so far by every process named `postgres*` on this machine (backends, WAL
 * writer, ...) plus the reaped children of each (backends that exited): `/proc/<pid>/stat`
 * utime + stime + cutime + cstime. `null` when /proc shows no such process (a remote server).
 */
function postgresCpuSeconds(): number | null {
  let ticks = 0;
  let found = false;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return null;
  }
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const close = stat.lastIndexOf(')');
    if (!stat.slice(stat.indexOf('(') + 1, close).startsWith('postgres')) continue;
    const fields = stat.slice(close + 2).split(' ');
    ticks += [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i] ?? 0), 0);
    found = true;
  }
  return found ? ticks / CLOCK_TICKS : null;
}

/** One throughput run: jobs/s and CPU per job (µs) of PostgreSQL and of this process. */
export interface Throughput {
  readonly jobsPerSecond: number;
  readonly postgresCpuUsPerJob: number | null;
  readonly nodeCpuUsPerJob: number;
}

/** Measures `drain` (which processes `n` jobs) between `start()` and its end. */
function cpuMeter(n: number): { start(): void; stop(seconds: number): Throughput } {
  let pg0: number | null = null;
  let node0 = process.cpuUsage();
  return {
    start() {
      pg0 = postgresCpuSeconds();
      node0 = process.cpuUsage();
    },
    stop(seconds) {
      const pg1 = postgresCpuSeconds();
      const node = process.cpuUsage(node0);
      return {
        jobsPerSecond: n / seconds,
        postgresCpuUsPerJob: pg0 === null || pg1 === null ? null : ((pg1 - pg0) * 1e6) / n,
        nodeCpuUsPerJob: (node.user + node.system) / n,
      };
    },
  };
}

const ASSET: VideoAsset = {
  videoKey: 'bench/owner/job/video.mp4',
  thumbnailKey: 'bench/owner/job/thumbnail.jpg',
  subtitlesKey: 'bench/owner/job/subtitles.vtt',
  sizeBytes: 1,
  durationSeconds: 1,
  width: 1280,
  height: 720,
  fps: 30,
  videoCodec: 'h264',
  audioCodec: 'aac',
  bitrate: 1,
  sha256: '0'.repeat(64),
};

const spec = (): VideoSpec => {
  const created = VideoSpec.create({ topic: 'No-op job', narration: false, quality: 'preview' });
  if (created.isErr()) throw new Error('invalid bench spec');
  return created.value;
};

/** Inserts `n` queued no-op jobs in multi-row INSERTs of 1,000. */
async function insertJobs(handle: PostgresDatabaseHandle, n: number): Promise<void> {
  const s = spec();
  const now = new Date(Date.now() - 1_000);
  for (let done = 0; done < n; done += 1_000) {
    const rows = Array.from({ length: Math.min(1_000, n - done) }, () =>
      jobToColumns(createJob({ id: randomUUID(), ownerId: 'bench', spec: s, maxAttempts: 3, now })),
    );
    await handle.db.insertInto('jobs').values(rows).execute();
  }
}

type Completion = 'mutateJob' | 'update' | 'completeMany';

/**
 * `CLAIMERS` concurrent loops, each: claim up to `batch` jobs, then complete them — one by one
 * through `mutateJob` + domain `completeJob` (read, transition, conditional write: what the render
 * worker does), or `update(completeJob(claimed))` straight from the claimed snapshot (no re-read),
 * or all at once with the port's `completeMany` (one statement fenced by (id, attempt)).
 * @returns jobs per second from the first claim to the last completion, and CPU per job.
 */
export async function framecastThroughput(
  handle: PostgresDatabaseHandle,
  n: number,
  batch: number,
  completion: Completion,
): Promise<Throughput> {
  await sql`TRUNCATE jobs CASCADE`.execute(handle.db);
  await insertJobs(handle, n);
  await sql`ANALYZE jobs`.execute(handle.db);
  const repo = new KyselyJobRepository(handle.db);
  let completed = 0;
  const complete = async (job: Job): Promise<void> => {
    const now = new Date();
    const result =
      completion === 'mutateJob'
        ? await mutateJob(repo, job.id, (j) => completeJob(j, { attempt: job.attempts, result: ASSET, now }))
        : await completeJob(job, { attempt: job.attempts, result: ASSET, now }).asyncAndThen((next) =>
            repo.update(next),
          );
    if (result.isErr()) throw new Error(`completion failed: ${JSON.stringify(result.error)}`);
    completed += 1;
  };
  const completeBatch = async (claimed: readonly Job[]): Promise<void> => {
    const outcomes = await repo.completeMany(
      claimed.map((j) => ({ jobId: j.id, attempt: j.attempts, result: ASSET })),
    );
    if (outcomes.isErr()) throw new Error(outcomes.error.message);
    for (const o of outcomes.value) {
      if (o.outcome !== 'completed') throw new Error(`completion refused: ${JSON.stringify(o)}`);
      completed += 1;
    }
  };
  const claimer = async (i: number): Promise<void> => {
    for (;;) {
      const claimed = await repo.claim(`bench-${i}`, LEASE_MS, batch);
      if (claimed.isErr()) throw new Error(claimed.error.message);
      if (claimed.value.length === 0) return;
      if (completion === 'completeMany') await completeBatch(claimed.value);
      else for (const job of claimed.value) await complete(job);
    }
  };
  const meter = cpuMeter(n);
  meter.start();
  const started = performance.now();
  await Promise.all(Array.from({ length: CLAIMERS }, (_, i) => claimer(i)));
  const seconds = (performance.now() - started) / 1000;
  const measured = meter.stop(seconds);
  if (completed !== n) throw new Error(`completed ${completed} of ${n}`);
  return measured;
}

const quietLogger = new Logger(() => (level: string, message: string) => {
  if (level === 'error') process.stderr.write(`graphile-worker: ${message}\n`);
});

export interface GraphileTuning {
  readonly concurrency: number;
  readonly preset?: GraphileConfig.Preset;
  readonly maxPoolSize?: number;
}

/** graphile-worker on the same PostgreSQL: `n` no-op jobs added first, then one runner drains them. */
export async function graphileThroughput(
  url: string,
  n: number,
  tuning: GraphileTuning,
): Promise<Throughput> {
  const utils = await makeWorkerUtils({ connectionString: url, logger: quietLogger });
  try {
    await utils.withPgClient((c) => c.query('DELETE FROM graphile_worker._private_jobs'));
    for (let done = 0; done < n; done += 1_000) {
      const specs = Array.from({ length: Math.min(1_000, n - done) }, () => ({
        identifier: 'noop',
        payload: {},
      }));
      await utils.addJobs(specs);
    }
  } finally {
    await utils.release();
  }
  let ran = 0;
  let allRan!: () => void;
  const finished = new Promise<void>((resolve) => (allRan = resolve));
  const meter = cpuMeter(n);
  meter.start();
  const started = performance.now();
  const runner: Runner = await run({
    connectionString: url,
    concurrency: tuning.concurrency,
    ...(tuning.maxPoolSize !== undefined ? { maxPoolSize: tuning.maxPoolSize } : {}),
    noHandleSignals: true,
    logger: quietLogger,
    ...(tuning.preset !== undefined ? { preset: tuning.preset } : {}),
    taskList: {
      noop: async () => {
        ran += 1;
        if (ran === n) allRan();
      },
    },
  });
  await finished;
  // Completions may be batched: count until the table is empty.
  const utils2 = await makeWorkerUtils({ connectionString: url, logger: quietLogger });
  for (;;) {
    const left = await utils2.withPgClient(async (c) =>
      Number(
        (await c.query<{ n: string }>('SELECT count(*) AS n FROM graphile_worker._private_jobs')).rows[0]?.n,
      ),
    );
    if (left === 0) break;
    await sleep(5);
  }
  const seconds = (performance.now() - started) / 1000;
  const measured = meter.stop(seconds);
  await utils2.release();
  await runner.stop();
  return measured;
}

/**
 * Enqueue-to-start latency with an idle Framecast worker: the real container (PostgreSQL, the
 * LISTEN/NOTIFY work signal, the Worker loop and ProcessNextJob) with a no-op renderer double;
 * from `SubmitVideoJob.execute` to the claim that returns the job. Poll interval 60 s, so only
 * the wake-up counts.
 */
async function framecastLatency(database: BenchDatabase, samples: number): Promise<number[]> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'framecast-bench-queue-'));
  const handle = await createPostgresDatabase({
    connectionString: database.url,
    poolMax: 4,
    connectionTimeoutMs: 5_000,
    statementTimeoutMs: 30_000,
  });
  await sql`TRUNCATE jobs CASCADE`.execute(handle.db);
  const claimedAt = new Map<string, (t: number) => void>();
  const real = new KyselyJobRepository(handle.db);
  const jobs: JobRepository = new Proxy(real, {
    get(target, prop, receiver) {
      if (prop === 'claim')
        return (workerId: string, leaseMs: number, limit: number) =>
          target.claim(workerId, leaseMs, limit).map((claimed) => {
            const t = performance.now();
            for (const j of claimed) claimedAt.get(j.id)?.(t);
            return claimed;
          });
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
  const config = loadConfig({
    APP_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATA_DIR: dataDir,
    DATABASE_URL: database.url,
    WORKER_CONCURRENCY: '1',
    QUEUE_POLL_INTERVAL_MS: '60000',
  });
  const container = createContainer(config);
  container.override(T.renderer, new ScriptedVideoRenderer({ kind: 'succeed' }));
  container.override(T.jobs, jobs);
  await container.start();
  const latencies: number[] = [];
  try {
    const submit = await container.resolve(T.submitVideoJob);
    const worker = await container.resolve(T.worker);
    for (let i = 0; i < samples + 3; i += 1) {
      let started = 0;
      let onClaim!: (t: number) => void;
      const claimed = new Promise<number>((resolve) => (onClaim = resolve));
      const t0 = performance.now();
      const job = await submit.execute({
        ownerId: 'bench',
        spec: { topic: `Latency ${i}`, narration: false, quality: 'preview' },
      });
      if (job.isErr()) throw new Error(JSON.stringify(job.error));
      claimedAt.set(job.value.id, onClaim);
      started = await Promise.race([claimed, sleep(10_000).then(() => Number.NaN)]);
      if (i >= 3) latencies.push(started - t0); // the first three warm up connections and JIT
      // Wait for the job to finish and the worker to be idle again.
      while (worker.busy > 0) await sleep(2);
      await sleep(30);
    }
  } finally {
    await container.stop();
    await handle.close();
    await rm(dataDir, { recursive: true, force: true });
  }
  return latencies;
}

/** The same measurement for graphile-worker with default options (concurrency 1): addJob -> task start. */
async function graphileLatency(url: string, samples: number): Promise<number[]> {
  const utils = await makeWorkerUtils({ connectionString: url, logger: quietLogger });
  await utils.withPgClient((c) => c.query('DELETE FROM graphile_worker._private_jobs'));
  let onStart: ((t: number) => void) | null = null;
  const runner = await run({
    connectionString: url,
    concurrency: 1,
    noHandleSignals: true,
    logger: quietLogger,
    taskList: {
      noop: async () => {
        onStart?.(performance.now());
      },
    },
  });
  const latencies: number[] = [];
  try {
    await sleep(200);
    for (let i = 0; i < samples + 3; i += 1) {
      const started = new Promise<number>((resolve) => (onStart = resolve));
      const t0 = performance.now();
      await utils.addJob('noop', {});
      const t = await Promise.race([started, sleep(10_000).then(() => Number.NaN)]);
      if (i >= 3) latencies.push(t - t0);
      await sleep(30);
    }
  } finally {
    await runner.stop();
    await utils.release();
  }
  return latencies;
}

/**
 * Queue benchmark (DESIGN §9): claim + complete throughput of Framecast's PostgreSQL queue
 * (`KyselyJobRepository`, 10 concurrent claimers in one process) beside graphile-worker 0.17
 * default and tuned, on the same PostgreSQL in the same run; enqueue-to-start latency with an
 * idle worker.
 */
export async function runQueue(options: { quick: boolean }): Promise<Section> {
  const n = options.quick ? 2_000 : 20_000;
  const rounds = options.quick ? 1 : 2;
  const samples = options.quick ? 20 : 100;
  const database = await createDatabase('queue');
  const handle = await createPostgresDatabase({
    connectionString: database.url,
    poolMax: CLAIMERS + 2,
    connectionTimeoutMs: 5_000,
    statementTimeoutMs: 60_000,
  });
  try {
    await migrateToLatest(handle.db);
    await runMigrations({ connectionString: database.url, logger: quietLogger });
    const best = (runs: readonly Throughput[]): Throughput =>
      runs.reduce((a, b) => (b.jobsPerSecond > a.jobsPerSecond ? b : a));
    const repeat = async (f: () => Promise<Throughput>): Promise<Throughput> => {
      const runs: Throughput[] = [];
      for (let i = 0; i < rounds; i += 1) runs.push(await f());
      return best(runs);
    };
    const tuned = (): Promise<Throughput> =>
      graphileThroughput(database.url, n, {
        concurrency: 24,
        maxPoolSize: 26,
        preset: { worker: { localQueue: { size: 500 }, completeJobBatchDelay: 0, failJobBatchDelay: 0 } },
      });
    // The per-job paths once per round; the tuned reference and the batched paths interleaved
    // round by round (tuned, batch of 50, batch of 500, ...); best of `rounds` each.
    const gwDefault = await repeat(() => graphileThroughput(database.url, n, { concurrency: CLAIMERS }));
    const fc1 = await repeat(() => framecastThroughput(handle, n, 1, 'mutateJob'));
    const fc50light = await repeat(() => framecastThroughput(handle, n, 50, 'update'));
    const tunedRuns: Throughput[] = [];
    const many50Runs: Throughput[] = [];
    const manyRuns: Throughput[] = [];
    for (let i = 0; i < rounds; i += 1) {
      tunedRuns.push(await tuned());
      many50Runs.push(await framecastThroughput(handle, n, 50, 'completeMany'));
      manyRuns.push(await framecastThroughput(handle, n, HEADLINE_BATCH, 'completeMany'));
    }
    const gwTuned = best(tunedRuns);
    const fc50many = best(many50Runs);
    const fcMany = best(manyRuns);
    await sql`TRUNCATE jobs CASCADE`.execute(handle.db);

    const fcLat = await framecastLatency(database, samples);
    const gwLat = await graphileLatency(database.url, samples);
    const p = (xs: number[], q: number): number => percentile(xs, q);
    const tput = (metric: string, run: Throughput, target?: boolean): Row => ({
      metric,
      framecast: `${fmt.int(run.jobsPerSecond)} jobs/s`,
      reference: `${fmt.int(gwTuned.jobsPerSecond)} jobs/s`,
      ratio: fmt.ratio(run.jobsPerSecond / gwTuned.jobsPerSecond),
      target: target ? '≥ 1.0x graphile-worker tuned' : '—',
      met: target ? met(run.jobsPerSecond >= gwTuned.jobsPerSecond) : '—',
    });
    const us = (v: number | null): string => (v === null ? '—' : `${fmt.int(v)} µs`);
    const cpu = (metric: string, fc: number | null, gw: number | null): Row => ({
      metric,
      framecast: us(fc),
      reference: us(gw),
      ratio: fc === null || gw === null ? '—' : fmt.ratio(fc / gw),
      target: '—',
      met: '—',
    });
    const rows: Row[] = [
      tput(`claim ${HEADLINE_BATCH} + completeMany (port methods), 10 claimers`, fcMany, true),
      tput('claim 50 + completeMany (port methods), 10 claimers', fc50many, true),
      tput('claim 50 + complete one by one (update, no re-read), 10 claimers', fc50light),
      tput('claim 1 + complete one by one (mutateJob: the render worker), 10 claimers', fc1),
      {
        metric: 'graphile-worker default (concurrency 10) vs tuned',
        framecast: '—',
        reference: `${fmt.int(gwDefault.jobsPerSecond)} jobs/s`,
        ratio: fmt.ratio(gwDefault.jobsPerSecond / gwTuned.jobsPerSecond),
        target: '—',
        met: '—',
      },
      cpu(
        `PostgreSQL CPU per job (claim ${HEADLINE_BATCH} + completeMany vs tuned)`,
        fcMany.postgresCpuUsPerJob,
        gwTuned.postgresCpuUsPerJob,
      ),
      cpu(
        `bench process CPU per job (claim ${HEADLINE_BATCH} + completeMany vs tuned)`,
        fcMany.nodeCpuUsPerJob,
        gwTuned.nodeCpuUsPerJob,
      ),
      {
        metric: 'enqueue-to-start latency p50 (idle worker)',
        framecast: fmt.ms(p(fcLat, 50)),
        reference: fmt.ms(p(gwLat, 50)),
        ratio: fmt.ratio(p(fcLat, 50) / p(gwLat, 50)),
        target: '< 10 ms',
        met: met(p(fcLat, 50) < 10),
      },
      {
        metric: 'enqueue-to-start latency p99 (idle worker)',
        framecast: fmt.ms(p(fcLat, 99)),
        reference: fmt.ms(p(gwLat, 99)),
        ratio: fmt.ratio(p(fcLat, 99) / p(gwLat, 99)),
        target: '< 50 ms',
        met: met(p(fcLat, 99) < 50),
      },
      absolute("recovery of a dead worker's job", 'lease + sweep ≤ 30 s + 5 s', 'within lease + 5 s'),
    ];
    return {
      title: `Queue (${fmt.int(n)} no-op jobs, ${CLAIMERS} concurrent claimers, one process, PostgreSQL)`,
      rows,
      notes: [
        `Throughput: jobs inserted in bulk first, then timed from the first claim to the last completion; best of ${rounds} run(s) each; the tuned reference and the two completeMany rows interleaved round by round. Framecast uses the real \`KyselyJobRepository\` (pg pool of ${CLAIMERS + 2}): each claimer claims a batch and completes it with \`completeMany\` (one UPDATE fenced by (id, attempt), the domain's \`finishAttempt\` rule), or one job at a time with \`update\` of the claimed snapshot (version-checked) or \`mutateJob\` + \`finishAttempt\`'s \`completeJob\` (read, transition, conditional write: what the render worker does per job).`,
        'CPU per job: PostgreSQL = utime + stime (+ reaped children) of every `postgres` process on this machine over the run, from /proc; bench process = `process.cpuUsage()` (both engines run in this process, one at a time). Counts of work, less sensitive to the machine being shared than jobs/s.',
        'Reference: graphile-worker 0.17.3 on the same database. Default = run() with concurrency 10 and otherwise default options; tuned = concurrency 24, maxPoolSize 26, localQueue.size 500, completeJobBatchDelay 0, failJobBatchDelay 0 (its performance docs); prepared statements are on by default.',
        `Latency: ${samples} sequential submits after 3 warm-up ones, 30 ms apart, idle worker (poll interval 60 s, so only the LISTEN/NOTIFY wake-up counts). Framecast: \`SubmitVideoJob.execute\` (insert + job event + NOTIFY) to the claim returning the job, through the real container's Worker loop and ProcessNextJob with a no-op renderer double. graphile-worker: \`addJob\` to the task starting (concurrency 1, defaults).`,
        'Dead-worker recovery is covered by the end-to-end test (SIGKILL recovery) rather than timed here: the sweeper runs every QUEUE_SWEEP_INTERVAL_SECONDS (5) and requeues a job whose lease (30 s) expired.',
      ],
    };
  } finally {
    await handle.close();
    await database.drop().catch(() => undefined);
  }
}

if (isMain(import.meta.url)) {
  printSection(await runQueue({ quick: isQuick() }));
}
