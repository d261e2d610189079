import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { startS3Server } from '../test/support/s3rver.js';
import { apiLoad } from './lib/load.js';
import { fmt } from './lib/report.js';
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

/**
 * Where the server's memory goes under the API benchmark's load (DESIGN §9: < 200 MB RSS under
 * load). Starts the built server with production adapters, runs GET status then POST generate at
 * 50 connections (as bench/api.ts), and samples `/proc` RSS and the server's own
 * `process.memoryUsage()` (heap used/total, external, array buffers, through the admin
 * `/system/metrics` endpoint) every 250 ms. Prints the peak of each, per phase.
 *
 * `BENCH_NODE_ARGS="--max-semi-space-size=4"` passes V8 flags to the server (flag trade-offs);
 * `BENCH_MAIN` another build. `--quick`: 3 s per phase instead of 10.
 */
const API_KEY = 'bench-api-key-0123456789abcdef01234567';
const GENERATE_BODY = JSON.stringify({
  topic: 'The Pythagorean theorem',
  context:
    'In a right triangle the square of the hypotenuse equals the sum of the squares of the other sides.',
  quality: 'preview',
  narration: false,
});

interface Sample {
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly external: number;
}

export async function runMemory(options: { quick: boolean; nodeArgs: string[] }): Promise<void> {
  const seconds = options.quick ? 3 : 10;
  ensureBuilt();
  const database = await createDatabase('memory');
  const dataDir = await mkdtemp(path.join(tmpdir(), 'framecast-bench-memory-'));
  const s3 = await startS3Server({ bucket: 'framecast-bench' });
  try {
    const server = await spawnNode(
      [...options.nodeArgs, BUILT_MAIN],
      productionEnv({
        databaseUrl: database.url,
        dataDir,
        apiKey: API_KEY,
        s3: { endpoint: s3.endpoint, bucket: s3.bucket, ...s3.credentials },
      }),
    );
    try {
      const headers = { 'x-api-key': API_KEY, 'content-type': 'application/json' };
      const sample = async (): Promise<Sample> => {
        const rss = rssOf(server.pid);
        const res = await fetch(`${server.baseUrl}/api/v1/system/metrics`, { headers }).catch(() => null);
        const body = (res?.ok ? await res.json() : null) as {
          process?: { heapUsedBytes: number; heapTotalBytes: number; externalBytes: number };
        } | null;
        const r = body?.process;
        return {
          rss,
          heapUsed: r?.heapUsedBytes ?? Number.NaN,
          heapTotal: r?.heapTotalBytes ?? Number.NaN,
          external: r?.externalBytes ?? Number.NaN,
        };
      };
      const created = await fetch(`${server.baseUrl}/api/v1/videos/generate`, {
        method: 'POST',
        headers,
        body: GENERATE_BODY,
      });
      const job = (await created.json()) as { id: string };
      await sleep(500);
      const idle = await sample();
      const phases: Array<{ name: string; peak: Sample; after: Sample; rps: number }> = [];
      for (const kind of ['status', 'generate'] as const) {
        const peak = { rss: 0, heapUsed: 0, heapTotal: 0, external: 0 };
        let sampling = true;
        const sampler = (async () => {
          while (sampling) {
            const s = await sample();
            for (const k of Object.keys(peak) as Array<keyof Sample>) peak[k] = Math.max(peak[k], s[k]);
            await sleep(250);
          }
        })();
        const result = await apiLoad({
          baseUrl: server.baseUrl,
          kind,
          jobId: job.id,
          seconds,
          headers,
          body: GENERATE_BODY,
        });
        sampling = false;
        await sampler;
        await sleep(1_000);
        phases.push({ name: kind, peak, after: await sample(), rps: result.rps });
      }
      const line = (label: string, s: Sample): string =>
        `${label.padEnd(34)} rss ${fmt.mb(s.rss).padStart(8)}  heap used ${fmt.mb(s.heapUsed).padStart(8)}  heap total ${fmt.mb(s.heapTotal).padStart(8)}  external ${fmt.mb(s.external).padStart(8)}`;
      process.stdout.write(
        `node args: ${options.nodeArgs.join(' ') || '(none)'}; main: ${BUILT_MAIN}; load average ${loadavg()
          .map((l) => l.toFixed(1))
          .join(', ')}\n`,
      );
      process.stdout.write(`${line('idle after start', idle)}\n`);
      for (const p of phases) {
        process.stdout.write(`${line(`${p.name}: peak under load`, p.peak)}  (${fmt.int(p.rps)} req/s)\n`);
        process.stdout.write(`${line(`${p.name}: 1 s after`, p.after)}\n`);
      }
    } finally {
      await server.stop();
    }
  } finally {
    await s3.stop();
    await database.drop().catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) {
  const nodeArgs = (process.env['BENCH_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  await runMemory({ quick: process.argv.includes('--quick'), nodeArgs });
}
