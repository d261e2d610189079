import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';

export const ROOT = path.resolve(import.meta.dirname, '../..');
/** The server entry: `dist/src/main.js`, or `BENCH_MAIN` (another build, for before/after comparisons). */
export const BUILT_MAIN = process.env['BENCH_MAIN'] ?? path.join(ROOT, 'dist/src/main.js');

/** PostgreSQL server the benchmarks use (a fresh database is created per area). */
export const POSTGRES_URL =
  process.env['BENCH_DATABASE_URL'] ??
  process.env['TEST_DATABASE_URL'] ??
  process.env['DATABASE_URL'] ??
  'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** A database created for one benchmark and dropped afterwards. */
export interface BenchDatabase {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

/** Creates a new, empty database `framecast_bench_<label>_<random>` on {@link POSTGRES_URL}. */
export async function createDatabase(label: string): Promise<BenchDatabase> {
  const name = `framecast_bench_${label}_${randomBytes(3).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** `PostgreSQL 15.x ...` of the server, shortened. */
export async function postgresVersion(): Promise<string> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ v: string }>("SELECT current_setting('server_version') AS v");
    return `PostgreSQL ${rows[0]?.v ?? '?'}`;
  } finally {
    await client.end();
  }
}

let built = false;

/**
 * Builds `dist/` once per process, as `npm run build` does: `tsc -p tsconfig.build.json`, then
 * scripts/bundle.ts (the bundled entry points). Type errors elsewhere in the checkout do not stop
 * tsc from emitting, so a failed exit with `dist/src/main.js` present only warns.
 * Set `BENCH_SKIP_BUILD=1` to use an existing build.
 */
export function ensureBuilt(): void {
  if (built || process.env['BENCH_SKIP_BUILD'] === '1' || process.env['BENCH_MAIN'] !== undefined) {
    built = true;
    return;
  }
  process.stderr.write('bench: building dist/ (tsc -p tsconfig.build.json) ...\n');
  const result = spawnSync(
    process.execPath,
    [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  if (result.status !== 0) {
    if (!existsSync(BUILT_MAIN)) throw new Error(`build failed:\n${result.stdout}${result.stderr}`);
    process.stderr.write('bench: tsc reported type errors but emitted dist/; continuing with that build\n');
  }
  // `npm run build`'s second step: the bundled entry points the service runs (scripts/bundle.ts).
  const bundled = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/bundle.ts')], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (bundled.status !== 0) throw new Error(`bundling failed:\n${bundled.stdout}${bundled.stderr}`);
  built = true;
}

/** A child process the benchmark started, with its base URL once it listens. */
export interface Spawned {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly baseUrl: string;
  /** ms from spawn to the listening line. */
  readonly readyMs: number;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Spawns `args` under Node with `env` and waits for a stdout line matching `ready` (its first
 * group is the base URL).
 */
export async function spawnNode(
  args: readonly string[],
  env: Record<string, string>,
  options: { ready?: RegExp; timeoutMs?: number } = {},
): Promise<Spawned> {
  const ready = options.ready ?? /listening on (http:\/\/[^\s]+)/;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const started = performance.now();
  const child = spawn(process.execPath, [...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const { baseUrl, readyMs } = await new Promise<{ baseUrl: string; readyMs: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`did not start in ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const check = (): void => {
      const m = ready.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve({ baseUrl: m[1], readyMs: performance.now() - started });
      }
    };
    child.stdout?.on('data', check);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`exited before listening:\n${out}`));
    });
  });
  return {
    child,
    pid: child.pid!,
    baseUrl,
    readyMs,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Environment of the built server with production adapters (no worker, quiet logs, limiter raised). */
export function productionEnv(extra: {
  databaseUrl: string;
  dataDir: string;
  apiKey: string;
  s3?: { endpoint: string; bucket: string; accessKeyId: string; secretAccessKey: string };
}): Record<string, string> {
  return {
    APP_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'warn',
    DATA_DIR: extra.dataDir,
    DATABASE_URL: extra.databaseUrl,
    REDIS_URL,
    FRAMECAST_API_KEY: extra.apiKey,
    WORKER_CONCURRENCY: '0',
    RATE_LIMIT_PER_MINUTE: '10000000',
    // A fixed benchmark secret (production refuses to start without one).
    WEBHOOK_SECRET: `whsec_${Buffer.alloc(32, 7).toString('base64')}`,
    ...(extra.s3
      ? {
          S3_BUCKET: extra.s3.bucket,
          S3_ENDPOINT: extra.s3.endpoint,
          S3_REGION: 'us-east-1',
          S3_FORCE_PATH_STYLE: 'true',
          AWS_ACCESS_KEY_ID: extra.s3.accessKeyId,
          AWS_SECRET_ACCESS_KEY: extra.s3.secretAccessKey,
        }
      : {}),
  };
}

/** Resident set size of `pid` in bytes (Linux `/proc`), or NaN. `peak` reads VmHWM. */
export function rssOf(pid: number, peak = false): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = (peak ? /VmHWM:\s+(\d+) kB/ : /VmRSS:\s+(\d+) kB/).exec(status);
    return m?.[1] ? Number(m[1]) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** Samples the RSS of `pid` every `everyMs` until stopped; @returns the largest seen (bytes). */
export function sampleRss(pid: number, everyMs = 200): { stop(): number } {
  let max = rssOf(pid);
  const timer = setInterval(() => {
    const v = rssOf(pid);
    if (v > max || Number.isNaN(max)) max = v;
  }, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      return max;
    },
  };
}

const CLOCK_TICKS = 100;

/**
 * CPU seconds of this process plus its reaped children (user + system), from `/proc/self/stat`.
 * Children count once they exited and were waited for (as `spawn` does).
 */
export function cpuSecondsWithChildren(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[11..14] = utime, stime, cutime, cstime (fields 14–17 of proc(5), 1-based from pid).
  const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i] ?? 0), 0);
  return ticks / CLOCK_TICKS;
}

/** Resolves after `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Whether this module is the script Node was started with. */
export function isMain(importMetaUrl: string): boolean {
  const entry = process.argv[1];
  return entry !== undefined && path.resolve(entry) === new URL(importMetaUrl).pathname;
}
