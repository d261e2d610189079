import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startS3Server } from '../test/support/s3rver.js';
import { load, meanOf, type LoadResult } from './lib/load.js';
import { withCpuOf } from './lib/process-cpu.js';
import { absolute, fmt, isQuick, met, printSection, type Row, type Section } from './lib/report.js';
import {
  BUILT_MAIN,
  createDatabase,
  ensureBuilt,
  isMain,
  productionEnv,
  ROOT,
  rssOf,
  sampleRss,
  spawnNode,
  type Spawned,
} from './lib/services.js';

const API_KEY = 'bench-api-key-0123456789abcdef01234567';
const CONNECTIONS = 50;
const GENERATE_BODY = JSON.stringify({
  topic: 'The Pythagorean theorem',
  context:
    'In a right triangle the square of the hypotenuse equals the sum of the squares of the other sides.',
  quality: 'preview',
  narration: false,
});

/** What the start-up benchmark reuses: RSS under load of the production server. */
export interface ApiExtras {
  readonly rssUnderLoadBytes: number;
}

/**
 * API benchmark (DESIGN §9): the built server with production adapters (PostgreSQL, Redis,
 * s3rver; no worker) beside a bare Fastify process returning the same JSON, alternated
 * (bare, framecast, bare, framecast) with autocannon at 50 connections.
 */
export async function runApi(options: { quick: boolean }): Promise<Section & { extras: ApiExtras }> {
  const duration = options.quick ? 3 : 10;
  const rounds = 2;
  ensureBuilt();
  const database = await createDatabase('api');
  const dataDir = await mkdtemp(path.join(tmpdir(), 'framecast-bench-api-'));
  const s3 = await startS3Server({ bucket: 'framecast-bench' });
  const servers: Spawned[] = [];
  try {
    const framecast = await spawnNode(
      [BUILT_MAIN],
      productionEnv({
        databaseUrl: database.url,
        dataDir,
        apiKey: API_KEY,
        s3: { endpoint: s3.endpoint, bucket: s3.bucket, ...s3.credentials },
      }),
    );
    servers.push(framecast);
    const headers = { 'x-api-key': API_KEY, 'content-type': 'application/json' };
    const created = await fetch(`${framecast.baseUrl}/api/v1/videos/generate`, {
      method: 'POST',
      headers,
      body: GENERATE_BODY,
    });
    if (created.status !== 201)
      throw new Error(`generate answered ${created.status}: ${await created.text()}`);
    const job = (await created.json()) as { id: string };
    const statusPath = `/api/v1/videos/jobs/${job.id}/status`;
    const statusRes = await fetch(`${framecast.baseUrl}${statusPath}`, { headers });
    const statusText = await statusRes.text();
    if (statusRes.status !== 200) throw new Error(`status answered ${statusRes.status}: ${statusText}`);
    const bodyFile = path.join(dataDir, 'status-body.json');
    await writeFile(bodyFile, statusText);
    const bare = await spawnNode(['--import', 'tsx', path.join(ROOT, 'bench/bare-fastify.ts')], {
      BENCH_STATUS_BODY_FILE: bodyFile,
    });
    servers.push(bare);
    const rssIdle = rssOf(framecast.pid);

    const run = (base: string, kind: 'status' | 'generate', seconds: number): Promise<LoadResult> =>
      kind === 'status'
        ? load({ url: `${base}${statusPath}`, connections: CONNECTIONS, duration: seconds, headers })
        : load({
            url: `${base}/api/v1/videos/generate`,
            connections: CONNECTIONS,
            duration: seconds,
            method: 'POST',
            headers,
            body: GENERATE_BODY,
          });

    // Warm-up (JIT, connection pools, prepared plans), not counted.
    for (const kind of ['status', 'generate'] as const) {
      await run(bare.baseUrl, kind, 2);
      await run(framecast.baseUrl, kind, 2);
    }
    const results = {
      status: { bare: [] as LoadResult[], fc: [] as LoadResult[] },
      generate: { bare: [] as LoadResult[], fc: [] as LoadResult[] },
    };
    let rssUnderLoad = 0;
    // Server CPU (user + system) over the measured status runs: per request, robust to a busy machine.
    const statusCpu = { bare: { ms: 0, requests: 0 }, fc: { ms: 0, requests: 0 } };
    for (const kind of ['status', 'generate'] as const) {
      for (let i = 0; i < rounds; i += 1) {
        const b = await withCpuOf(bare.pid, () => run(bare.baseUrl, kind, duration));
        results[kind].bare.push(b.value);
        const sampler = sampleRss(framecast.pid);
        const f = await withCpuOf(framecast.pid, () => run(framecast.baseUrl, kind, duration));
        results[kind].fc.push(f.value);
        rssUnderLoad = Math.max(rssUnderLoad, sampler.stop());
        if (kind === 'status') {
          statusCpu.bare.ms += b.cpuMs;
          statusCpu.bare.requests += b.value.total;
          statusCpu.fc.ms += f.cpuMs;
          statusCpu.fc.requests += f.value.total;
        }
      }
    }
    const cpuPerRequest = {
      bare: (statusCpu.bare.ms * 1000) / Math.max(statusCpu.bare.requests, 1),
      fc: (statusCpu.fc.ms * 1000) / Math.max(statusCpu.fc.requests, 1),
    };
    const s = { bare: meanOf(results.status.bare), fc: meanOf(results.status.fc) };
    const g = { bare: meanOf(results.generate.bare), fc: meanOf(results.generate.fc) };
    const statusRatio = s.fc.rps / s.bare.rps;
    const rows: Row[] = [
      {
        metric: 'GET status, req/s (50 conn.)',
        framecast: fmt.int(s.fc.rps),
        reference: fmt.int(s.bare.rps),
        ratio: fmt.ratio(statusRatio),
        target: '≥ 0.5x bare',
        met: met(statusRatio >= 0.5),
      },
      {
        metric: 'GET status, p50',
        framecast: fmt.ms(s.fc.p50),
        reference: fmt.ms(s.bare.p50),
        ratio: fmt.ratio(s.fc.p50 / Math.max(s.bare.p50, 0.01)),
        target: '—',
        met: '—',
      },
      {
        metric: 'GET status, p99',
        framecast: fmt.ms(s.fc.p99),
        reference: fmt.ms(s.bare.p99),
        ratio: fmt.ratio(s.fc.p99 / Math.max(s.bare.p99, 0.01)),
        target: '< 15 ms',
        met: met(s.fc.p99 < 15),
      },
      {
        metric: 'GET status, server CPU per request',
        framecast: `${cpuPerRequest.fc.toFixed(0)} µs`,
        reference: `${cpuPerRequest.bare.toFixed(0)} µs`,
        ratio: fmt.ratio(cpuPerRequest.bare / cpuPerRequest.fc),
        target: '—',
        met: '—',
      },
      {
        metric: 'POST generate, req/s (50 conn.)',
        framecast: fmt.int(g.fc.rps),
        reference: fmt.int(g.bare.rps),
        ratio: fmt.ratio(g.fc.rps / g.bare.rps),
        target: '—',
        met: '—',
      },
      {
        metric: 'POST generate, p50',
        framecast: fmt.ms(g.fc.p50),
        reference: fmt.ms(g.bare.p50),
        ratio: fmt.ratio(g.fc.p50 / Math.max(g.bare.p50, 0.01)),
        target: '—',
        met: '—',
      },
      {
        metric: 'POST generate, p99',
        framecast: fmt.ms(g.fc.p99),
        reference: fmt.ms(g.bare.p99),
        ratio: fmt.ratio(g.fc.p99 / Math.max(g.bare.p99, 0.01)),
        target: '< 50 ms',
        met: met(g.fc.p99 < 50),
      },
      absolute('Server RSS, idle after start', fmt.mb(rssIdle)),
      absolute(
        'Server RSS, peak under load',
        fmt.mb(rssUnderLoad),
        '< 200 MB',
        rssUnderLoad < 200 * 1024 * 1024,
      ),
    ];
    const errors = [s.fc, g.fc, s.bare, g.bare].reduce((n, r) => n + r.non2xx + r.errors, 0);
    return {
      title: 'API (production adapters: PostgreSQL, Redis, S3/s3rver; WORKER_CONCURRENCY=0)',
      rows,
      notes: [
        `autocannon, ${CONNECTIONS} connections, ${duration} s per run, ${rounds} alternating rounds (bare, framecast, bare, framecast) per route after a 2 s warm-up each; means of the rounds. Client, server, PostgreSQL and Redis share the machine.`,
        'Reference: a bare Fastify 5 process (no plugins/hooks/logging/schemas) returning the same JSON document (status) or the same document with 201 after parsing the body (generate).',
        `Framecast: \`dist/src/main.js\`, APP_ENV=production, X-API-Key auth, RATE_LIMIT_PER_MINUTE=10000000 (the Redis-backed limiter still runs), LOG_LEVEL=warn. Each POST creates a queued job (${fmt.int(g.fc.total)} created).`,
        `Non-2xx answers or socket errors during the measured runs: ${errors}.`,
      ],
      extras: { rssUnderLoadBytes: rssUnderLoad },
    };
  } finally {
    for (const server of servers.reverse()) await server.stop();
    await s3.stop();
    await database.drop().catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) {
  printSection(await runApi({ quick: isQuick() }));
}
