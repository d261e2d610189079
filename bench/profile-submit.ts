import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startS3Server } from '../test/support/s3rver.js';
import { profileTables, summarizeProfile } from './lib/cpu-profile.js';
import { load } from './lib/load.js';
import { fmt } from './lib/report.js';
import {
  BUILT_MAIN,
  createDatabase,
  ensureBuilt,
  isMain,
  productionEnv,
  REDIS_URL,
  ROOT,
  sleep,
  spawnNode,
} from './lib/services.js';

const API_KEY = 'bench-api-key-0123456789abcdef01234567';
const BODY = JSON.stringify({
  topic: 'The Pythagorean theorem',
  context:
    'In a right triangle the square of the hypotenuse equals the sum of the squares of the other sides.',
  quality: 'preview',
  narration: false,
});
const POSTGRES_PORT = 5432;

/** What one submit costs, counted over sequential submits (no concurrency, so nothing is merged). */
export interface SubmitCounts {
  readonly submits: number;
  /** Socket writes per submit from the server to PostgreSQL (one per statement sent: round trips). */
  readonly postgresWrites: number;
  /** Socket writes per submit to Redis (node-redis writes each command, or a pipelined batch, once). */
  readonly redisWrites: number;
  /** Transactions committed per submit in the benchmark's database (pg_stat_database.xact_commit). */
  readonly commits: number;
  /** Rows inserted per submit (pg_stat_database.tup_inserted). */
  readonly rowsInserted: number;
}

interface DatabaseStats {
  readonly commits: number;
  readonly inserted: number;
}

async function databaseStats(url: string, name: string): Promise<DatabaseStats> {
  // A new connection each time: statistics are snapshotted per transaction.
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ c: string; i: string }>(
      'SELECT xact_commit AS c, tup_inserted AS i FROM pg_stat_database WHERE datname = $1',
      [name],
    );
    return { commits: Number(rows[0]?.c ?? 0), inserted: Number(rows[0]?.i ?? 0) };
  } finally {
    await client.end();
  }
}

/** CPU time (user + system) of `pid` in ms from `/proc/<pid>/stat`, or 0 when it has exited. */
async function cpuMsOf(pid: number): Promise<number> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 (1-based), i.e. 11 and 12 after the command name.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** Linux's USER_HZ on every architecture Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

/** PIDs of the PostgreSQL backends connected to the benchmark's database (the server's pool). */
async function backendPids(url: string, name: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [name],
    );
    return rows.map((r) => r.pid);
  } finally {
    await client.end();
  }
}

/** CPU ms of the server process and of each of its PostgreSQL backends. */
async function cpuSnapshot(
  serverPid: number,
  database: { url: string; name: string },
): Promise<{ server: number; backends: Map<number, number> }> {
  const pids = await backendPids(database.url, database.name);
  const backends = new Map<number, number>();
  for (const pid of pids) backends.set(pid, await cpuMsOf(pid));
  return { server: await cpuMsOf(serverPid), backends };
}

/**
 * Counts round trips per submit with `strace -f -yy` on the server process: every socket write
 * is attributed by its peer port (PostgreSQL, Redis). The statistics' own connections are made
 * from this process, so they are not counted by strace, but their one commit each is subtracted.
 */
async function countSubmits(
  server: { pid: number; baseUrl: string },
  database: { url: string; name: string },
  submits: number,
): Promise<SubmitCounts> {
  const traceDir = await mkdtemp(path.join(tmpdir(), 'framecast-strace-'));
  const traceFile = path.join(traceDir, 'trace.txt');
  const redisPort = Number(new URL(REDIS_URL).port || 6379);
  const tracer = spawn(
    'strace',
    ['-f', '-yy', '-e', 'trace=write,writev,sendto,sendmsg', '-o', traceFile, '-p', String(server.pid)],
    { stdio: 'ignore' },
  );
  try {
    // strace attaches to every thread; the warm-up's statistics reach pg_stat_database (an idle
    // backend flushes them within 10 s).
    await sleep(11_000);
    const before = await databaseStats(database.url, database.name);
    for (let i = 0; i < submits; i += 1) {
      const res = await fetch(`${server.baseUrl}/api/v1/videos/generate`, {
        method: 'POST',
        headers: { 'x-api-key': API_KEY, 'content-type': 'application/json' },
        body: BODY,
      });
      if (res.status !== 201) throw new Error(`generate answered ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
    }
    // Fire-and-forget work (live updates) settles; an idle backend flushes its statistics within 10 s.
    await sleep(11_000);
    const after = await databaseStats(database.url, database.name);
    tracer.kill('SIGINT');
    await new Promise((resolve) => tracer.once('exit', resolve));
    const trace = await readFile(traceFile, 'utf8');
    const writesTo = (port: number): number =>
      trace.split('\n').filter((line) => new RegExp(`->\\[?[0-9a-f.:]+\\]?:${port}\\]>`).test(line)).length;
    return {
      submits,
      postgresWrites: writesTo(POSTGRES_PORT) / submits,
      redisWrites: writesTo(redisPort) / submits,
      // One commit is the first statistics read itself.
      commits: (after.commits - before.commits - 1) / submits,
      rowsInserted: (after.inserted - before.inserted) / submits,
    };
  } finally {
    if (tracer.exitCode === null) tracer.kill('SIGKILL');
    await rm(traceDir, { recursive: true, force: true });
  }
}

/**
 * The submit path (`POST /api/v1/videos/generate`) of the built server with production adapters
 * (PostgreSQL, Redis, s3rver; no worker): round trips and commits per submit (sequential, under
 * strace), then a CPU profile (`node --cpu-prof`) under autocannon at 50 connections.
 * `BENCH_MAIN=<main.js>` profiles another build (before/after).
 * Usage: `node --import tsx bench/profile-submit.ts [seconds] [--no-strace]`; `DATABASE_POOL_MAX`
 * is passed on to the server.
 */
export async function profileSubmit(seconds: number, options: { strace: boolean }): Promise<string> {
  ensureBuilt();
  const database = await createDatabase('submit');
  const dataDir = await mkdtemp(path.join(tmpdir(), 'framecast-bench-submit-'));
  const profDir = path.join(dataDir, 'prof');
  const s3 = await startS3Server({ bucket: 'framecast-bench' });
  try {
    const server = await spawnNode(['--cpu-prof', '--cpu-prof-dir', profDir, BUILT_MAIN], {
      ...productionEnv({
        databaseUrl: database.url,
        dataDir,
        apiKey: API_KEY,
        s3: { endpoint: s3.endpoint, bucket: s3.bucket, ...s3.credentials },
      }),
      // Pool-size experiments: DATABASE_POOL_MAX=20 node --import tsx bench/profile-submit.ts
      ...(process.env['DATABASE_POOL_MAX'] !== undefined
        ? { DATABASE_POOL_MAX: process.env['DATABASE_POOL_MAX'] }
        : {}),
    });
    const url = `${server.baseUrl}/api/v1/videos/generate`;
    const headers = { 'x-api-key': API_KEY, 'content-type': 'application/json' };
    // Warm-up: JIT, pools, the API-key cache.
    await load({ url, connections: 10, duration: 2, method: 'POST', headers, body: BODY });
    const counts = options.strace ? await countSubmits(server, database, 100) : null;
    const statsBefore = await databaseStats(database.url, database.name);
    const cpuBefore = await cpuSnapshot(server.pid, database);
    const result = await load({
      url,
      connections: 50,
      duration: seconds,
      method: 'POST',
      headers,
      body: BODY,
    });
    const cpuAfter = await cpuSnapshot(server.pid, database);
    // Backends opened during the load count from zero.
    let backendMs = 0;
    for (const [pid, ms] of cpuAfter.backends) backendMs += ms - (cpuBefore.backends.get(pid) ?? 0);
    const serverUsPerSubmit = ((cpuAfter.server - cpuBefore.server) * 1000) / result.total;
    const backendUsPerSubmit = (backendMs * 1000) / result.total;
    await sleep(11_000); // idle backends flush their statistics within 10 s
    const statsAfter = await databaseStats(database.url, database.name);
    // Rows are exact; commits include the reads (one per submit: the preferences) and the two statistics reads.
    const jobsCreated = (statsAfter.inserted - statsBefore.inserted) / 2;
    const commitsPerSubmit = (statsAfter.commits - statsBefore.commits - 2) / jobsCreated;
    await server.stop();
    const { functions, packages } = summarizeProfile(profDir, ROOT);
    const lines = [
      `server: ${BUILT_MAIN}`,
      ...(counts === null
        ? []
        : [
            '',
            `| per submit (${counts.submits} sequential) | count |`,
            '|---|---:|',
            `| PostgreSQL round trips (socket writes) | ${counts.postgresWrites.toFixed(2)} |`,
            `| PostgreSQL commits (xact_commit) | ${counts.commits.toFixed(2)} |`,
            `| rows inserted | ${counts.rowsInserted.toFixed(2)} |`,
            `| Redis writes (commands or pipelined batches) | ${counts.redisWrites.toFixed(2)} |`,
          ]),
      '',
      `generate, 50 connections, ${seconds} s: ${fmt.int(result.rps)} req/s, p50 ${fmt.ms(result.p50)}, p99 ${fmt.ms(result.p99)}, non-2xx ${result.non2xx}`,
      `PostgreSQL commits per submit under that load (reads included): ${commitsPerSubmit.toFixed(2)} over ${fmt.int(jobsCreated)} jobs`,
      `CPU per submit under that load: server ${serverUsPerSubmit.toFixed(0)} µs, its PostgreSQL backends ${backendUsPerSubmit.toFixed(0)} µs (${cpuAfter.backends.size} backends)`,
      '',
      ...profileTables({ functions, packages }),
    ];
    return lines.join('\n');
  } finally {
    await s3.stop();
    await database.drop().catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) {
  const args = process.argv.slice(2);
  const seconds = Number(args.find((a) => /^\d+$/.test(a)) ?? 10);
  process.stdout.write(`${await profileSubmit(seconds, { strace: !args.includes('--no-strace') })}\n`);
}
