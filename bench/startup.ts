import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startS3Server, type S3TestServer } from '../test/support/s3rver.js';
import { fmt, isQuick, median, met, printSection, type Row, type Section } from './lib/report.js';
import {
  BUILT_MAIN,
  createDatabase,
  ensureBuilt,
  isMain,
  productionEnv,
  rssOf,
  sleep,
  spawnNode,
} from './lib/services.js';

const API_KEY = 'bench-api-key-0123456789abcdef01234567';
const BARE_FASTIFY = [
  "import Fastify from 'fastify';",
  'const app = Fastify();',
  "app.get('/', async () => ({ ok: true }));",
  "const url = await app.listen({ host: '127.0.0.1', port: 0 });",
  "process.stdout.write('listening on ' + url + '\\n');",
  "process.on('SIGTERM', () => app.close().then(() => process.exit(0)));",
].join('\n');

interface StartSample {
  /** Spawn to the "listening on" line, ms. */
  readonly listeningMs: number;
  /** Spawn to the first 200 of /api/v1/system/health/ready, ms. */
  readonly readyMs: number;
  /** RSS once ready, bytes. */
  readonly rss: number;
  /** Peak RSS during start-up (VmHWM), bytes. */
  readonly peakRss: number;
  /** CPU time of the server process (all threads, user + system) from spawn to ready, ms. */
  readonly cpuMs: number;
}

/** User + system CPU of `pid` (every thread) from /proc, in ms; NaN when unreadable. */
function cpuMsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // clock ticks of 10 ms
  } catch {
    return Number.NaN;
  }
}

/** Starts the built server with `env`, waits for readiness, samples memory, stops it. */
async function startOnce(env: Record<string, string>): Promise<StartSample> {
  const t0 = performance.now();
  const server = await spawnNode([BUILT_MAIN], env, { timeoutMs: 120_000 });
  try {
    let readyMs = Number.NaN;
    let cpuMs = Number.NaN;
    for (let i = 0; i < 2_000; i += 1) {
      const res = await fetch(`${server.baseUrl}/api/v1/system/health/ready`).catch(() => null);
      await res?.arrayBuffer();
      if (res?.status === 200) {
        readyMs = performance.now() - t0;
        cpuMs = cpuMsOf(server.pid);
        break;
      }
      await sleep(5);
    }
    await sleep(200);
    return {
      listeningMs: server.readyMs,
      readyMs,
      rss: rssOf(server.pid),
      peakRss: rssOf(server.pid, true),
      cpuMs,
    };
  } finally {
    await server.stop();
  }
}

/**
 * Start-up and memory benchmark (DESIGN §9): time to ready and RSS of the built server —
 * embedded (PGlite, disk) on a new data directory and restarted on it, and with production
 * adapters (PostgreSQL, Redis, S3/s3rver) on a new database and restarted.
 */
export async function runStartup(options: { quick: boolean; rssUnderLoadBytes?: number }): Promise<Section> {
  const runs = options.quick ? 1 : 3;
  ensureBuilt();
  const dirs: string[] = [];
  const newDir = async (label: string): Promise<string> => {
    const dir = await mkdtemp(path.join(tmpdir(), `framecast-bench-${label}-`));
    dirs.push(dir);
    return dir;
  };
  let s3: S3TestServer | null = null;
  const databases: Array<{ drop(): Promise<void> }> = [];
  try {
    const embedded = (dataDir: string): Record<string, string> => ({
      APP_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir,
      FRAMECAST_API_KEY: API_KEY,
      DATABASE_URL: '',
      REDIS_URL: '',
    });
    const firstEmbedded: StartSample[] = [];
    const restartEmbedded: StartSample[] = [];
    for (let i = 0; i < runs; i += 1) {
      const dir = await newDir('embedded');
      firstEmbedded.push(await startOnce(embedded(dir)));
      restartEmbedded.push(await startOnce(embedded(dir)));
    }
    // Reference: a bare Fastify process (plain JS, no loader) from spawn to listening, same machine and load.
    const bareStarts: number[] = [];
    for (let i = 0; i < runs; i += 1) {
      const bare = await spawnNode(['--input-type=module', '-e', BARE_FASTIFY], {});
      bareStarts.push(bare.readyMs);
      await bare.stop();
    }
    const bareMs = median(bareStarts);
    s3 = await startS3Server({ bucket: 'framecast-bench' });
    const firstProd: StartSample[] = [];
    const restartProd: StartSample[] = [];
    for (let i = 0; i < runs; i += 1) {
      const database = await createDatabase('startup');
      databases.push(database);
      const env = productionEnv({
        databaseUrl: database.url,
        dataDir: await newDir('prod'),
        apiKey: API_KEY,
        s3: { endpoint: s3.endpoint, bucket: s3.bucket, ...s3.credentials },
      });
      firstProd.push(await startOnce(env));
      restartProd.push(await startOnce(env));
    }
    const summary = (samples: StartSample[]): StartSample => ({
      listeningMs: median(samples.map((s) => s.listeningMs)),
      readyMs: median(samples.map((s) => s.readyMs)),
      rss: median(samples.map((s) => s.rss)),
      peakRss: median(samples.map((s) => s.peakRss)),
      cpuMs: median(samples.map((s) => s.cpuMs)),
    });
    const row = (metric: string, samples: StartSample[], limitMs: number | null): Row => {
      const s = summary(samples);
      return {
        metric,
        framecast: `${fmt.s(s.readyMs / 1000)} (listening ${fmt.s(s.listeningMs / 1000)}, CPU ${fmt.s(s.cpuMs / 1000)})`,
        reference: fmt.s(bareMs / 1000),
        ratio: fmt.ratio(s.readyMs / bareMs),
        target: limitMs === null ? '—' : `< ${fmt.s(limitMs / 1000).replace('.00', '')}`,
        met: limitMs === null ? '—' : met(s.readyMs < limitMs),
      };
    };
    const mem = (metric: string, samples: StartSample[]): Row => {
      const s = summary(samples);
      return {
        metric,
        framecast: `${fmt.mb(s.rss)} (peak ${fmt.mb(s.peakRss)})`,
        reference: '—',
        ratio: '—',
        target: '—',
        met: '—',
      };
    };
    const rows: Row[] = [
      row('embedded, first start (new data dir: initdb + migrations)', firstEmbedded, 10_000),
      row('embedded, restart (same data dir)', restartEmbedded, 2_500),
      row('production adapters, first start (new database: migrations)', firstProd, 1_500),
      row('production adapters, restart', restartProd, 1_500),
      mem('RSS when ready: embedded, first start', firstEmbedded),
      mem('RSS when ready: embedded, restart', restartEmbedded),
      mem('RSS when ready: production adapters', restartProd),
    ];
    if (options.rssUnderLoadBytes !== undefined)
      rows.push({
        metric: 'RSS under load: production adapters (from the API benchmark)',
        framecast: fmt.mb(options.rssUnderLoadBytes),
        reference: '—',
        ratio: '—',
        target: '< 200 MB',
        met: met(options.rssUnderLoadBytes < 200 * 1024 * 1024),
      });
    return {
      title: 'Start-up and memory (built server, `node dist/src/main.js`)',
      rows,
      notes: [
        'Reference: a bare Fastify 5 process (plain ESM JavaScript, one route) from spawn to its listening line, measured in the same run: the floor of Node + Fastify start-up on this machine at this load.',
        `Time from spawn to the first 200 of \`/api/v1/system/health/ready\` (polled every 5 ms), with the time to the "listening on" line and the server's CPU time (all threads, user + system, from /proc: less sensitive to the machine's load than wall time) in brackets; medians of ${runs} run(s). RSS from /proc once ready (peak = VmHWM).`,
        'Embedded: PGlite + disk storage + in-process events, APP_ENV=test, default worker (1 slot). Production adapters: PostgreSQL (migrations run on the first start), Redis, S3 (s3rver on loopback), APP_ENV=production, WORKER_CONCURRENCY=0.',
      ],
    };
  } finally {
    await s3?.stop();
    for (const d of databases) await d.drop().catch(() => undefined);
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) {
  printSection(await runStartup({ quick: isQuick() }));
}
