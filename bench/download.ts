import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DiskObjectStorage } from '../src/adapters/fs/disk-object-storage.js';
import { KyselyJobRepository } from '../src/adapters/postgres/kysely-job-repository.js';
import { createPostgresDatabase } from '../src/adapters/postgres/postgres-database.js';
import { mutateJob } from '../src/application/mutate-job.js';
import { loadConfig } from '../src/config/config.js';
import { claimJob, completeJob } from '../src/domain/job.js';
import { download, meanOf, type LoadResult } from './lib/load.js';
import { withCpuOf } from './lib/process-cpu.js';
import { fmt, isQuick, met, printSection, type Row, type Section } from './lib/report.js';
import {
  BUILT_MAIN,
  createDatabase,
  ensureBuilt,
  isMain,
  productionEnv,
  ROOT,
  spawnNode,
  type Spawned,
} from './lib/services.js';

const API_KEY = 'bench-api-key-0123456789abcdef01234567';
const MiB = 1024 * 1024;

/** Writes `bytes` random bytes to `file`; @returns their hex SHA-256. */
async function writeRandomFile(file: string, bytes: number): Promise<string> {
  const hash = createHash('sha256');
  const out = createWriteStream(file);
  for (let written = 0; written < bytes; written += MiB) {
    const chunk = randomBytes(Math.min(MiB, bytes - written));
    hash.update(chunk);
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  return hash.digest('hex');
}

/**
 * Download benchmark (DESIGN §9): `GET /videos/jobs/{id}/download` of the built server (PostgreSQL,
 * Redis, disk storage) for a completed job whose video is a 100 MB object, beside a bare Node
 * `http` server streaming the same file; whole-file downloads and many 1 MiB Range requests.
 */
export async function runDownload(options: { quick: boolean }): Promise<Section> {
  const sizeBytes = options.quick ? 20 * MiB : 100 * MiB;
  const duration = options.quick ? 3 : 10;
  ensureBuilt();
  const database = await createDatabase('download');
  const dataDir = await mkdtemp(path.join(tmpdir(), 'framecast-bench-download-'));
  const servers: Spawned[] = [];
  try {
    // APP_ENV=test: production requires S3; disk storage is the adapter whose streaming we measure.
    const env = {
      ...productionEnv({ databaseUrl: database.url, dataDir, apiKey: API_KEY }),
      APP_ENV: 'test',
    };
    // BENCH_NODE_ARGS: extra node flags for the Framecast process (e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`).
    const nodeArgs = (process.env['BENCH_NODE_ARGS'] ?? '').split(' ').filter((a) => a !== '');
    const framecast = await spawnNode([...nodeArgs, BUILT_MAIN], env);
    servers.push(framecast);
    const headers = { 'x-api-key': API_KEY, 'content-type': 'application/json' };
    const created = await fetch(`${framecast.baseUrl}/api/v1/videos/generate`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ topic: 'Download benchmark', narration: false }),
    });
    if (created.status !== 201) throw new Error(`generate answered ${created.status}`);
    const jobId = ((await created.json()) as { id: string }).id;

    // The job's video through the app's own adapters: disk storage + repository + domain transitions.
    const config = loadConfig(env, ROOT);
    if (config.storage.kind !== 'disk') throw new Error('expected disk storage');
    const source = path.join(dataDir, 'source.mp4');
    const sha256 = await writeRandomFile(source, sizeBytes);
    const storage = new DiskObjectStorage({ rootDir: config.storage.rootDir });
    const handle = await createPostgresDatabase({
      connectionString: database.url,
      poolMax: 2,
      connectionTimeoutMs: 5_000,
      statementTimeoutMs: 30_000,
    });
    try {
      const jobs = new KyselyJobRepository(handle.db);
      const claimed = await mutateJob(jobs, jobId, (j) =>
        claimJob(j, { workerId: 'bench', leaseMs: 60_000, now: new Date() }),
      );
      if (claimed.isErr()) throw new Error(JSON.stringify(claimed.error));
      const attempt = claimed.value.attempts;
      const base = `${config.storage.prefix}/${claimed.value.ownerId}/${jobId}/attempt-${attempt}`;
      const put = await storage.putFile(`${base}/video.mp4`, source, { contentType: 'video/mp4' });
      if (put.isErr()) throw new Error(put.error.message);
      const done = await mutateJob(jobs, jobId, (j) =>
        completeJob(j, {
          attempt,
          now: new Date(),
          result: {
            videoKey: `${base}/video.mp4`,
            thumbnailKey: `${base}/thumbnail.jpg`,
            subtitlesKey: `${base}/subtitles.vtt`,
            sizeBytes,
            durationSeconds: 600,
            width: 1280,
            height: 720,
            fps: 30,
            videoCodec: 'h264',
            audioCodec: 'aac',
            bitrate: Math.round((sizeBytes * 8) / 600),
            sha256,
          },
        }),
      );
      if (done.isErr()) throw new Error(JSON.stringify(done.error));
    } finally {
      await handle.close();
    }
    const fcUrl = `${framecast.baseUrl}/api/v1/videos/jobs/${jobId}/download`;
    const check = await fetch(fcUrl, { headers: { ...headers, range: 'bytes=0-1023' } });
    if (check.status !== 206) throw new Error(`download answered ${check.status}: ${await check.text()}`);
    await check.arrayBuffer();

    const bare = await spawnNode(['--import', 'tsx', path.join(ROOT, 'bench/bare-file-server.ts')], {
      BENCH_FILE: source,
    });
    servers.push(bare);
    const bareUrl = `${bare.baseUrl}/video.mp4`;

    const ranges = Math.floor(sizeBytes / MiB);
    let next = 0;
    const rangeHeaders = (): Record<string, string> => {
      const i = (next = (next * 7 + 13) % ranges); // a fixed pseudo-random walk over the 1 MiB slots
      return { 'x-api-key': API_KEY, range: `bytes=${i * MiB}-${(i + 1) * MiB - 1}` };
    };
    const whole = (url: string): Promise<LoadResult> =>
      download({ url, connections: 4, duration, headers: () => ({ 'x-api-key': API_KEY }) });
    const small = (url: string): Promise<LoadResult> =>
      download({ url, connections: 16, duration, headers: rangeHeaders });
    await whole(bareUrl);
    await whole(fcUrl);
    const results = {
      whole: { bare: [] as LoadResult[], fc: [] as LoadResult[] },
      small: { bare: [] as LoadResult[], fc: [] as LoadResult[] },
    };
    // Server CPU (user + system) over the measured Range runs: per request, robust to a busy machine.
    const rangeCpu = { bare: { ms: 0, requests: 0 }, fc: { ms: 0, requests: 0 } };
    for (let i = 0; i < 2; i += 1) {
      results.whole.bare.push(await whole(bareUrl));
      results.whole.fc.push(await whole(fcUrl));
      const b = await withCpuOf(bare.pid, () => small(bareUrl));
      results.small.bare.push(b.value);
      rangeCpu.bare.ms += b.cpuMs;
      rangeCpu.bare.requests += b.value.total;
      const f = await withCpuOf(framecast.pid, () => small(fcUrl));
      results.small.fc.push(f.value);
      rangeCpu.fc.ms += f.cpuMs;
      rangeCpu.fc.requests += f.value.total;
    }
    const cpuPerRange = {
      bare: (rangeCpu.bare.ms * 1000) / Math.max(rangeCpu.bare.requests, 1),
      fc: (rangeCpu.fc.ms * 1000) / Math.max(rangeCpu.fc.requests, 1),
    };
    const w = { bare: meanOf(results.whole.bare), fc: meanOf(results.whole.fc) };
    const s = { bare: meanOf(results.small.bare), fc: meanOf(results.small.fc) };
    const wr = w.fc.bytesPerSecond / w.bare.bytesPerSecond;
    const sr = s.fc.bytesPerSecond / s.bare.bytesPerSecond;
    const rows: Row[] = [
      {
        metric: `whole file (${fmt.mb(sizeBytes)}), 4 connections`,
        framecast: fmt.mbps(w.fc.bytesPerSecond),
        reference: fmt.mbps(w.bare.bytesPerSecond),
        ratio: fmt.ratio(wr),
        target: '≥ 0.8x direct',
        met: met(wr >= 0.8),
      },
      {
        metric: '1 MiB Range requests, 16 connections',
        framecast: fmt.mbps(s.fc.bytesPerSecond),
        reference: fmt.mbps(s.bare.bytesPerSecond),
        ratio: fmt.ratio(sr),
        target: '≥ 0.8x direct',
        met: met(sr >= 0.8),
      },
      {
        metric: '1 MiB Range requests, server CPU per request',
        framecast: `${cpuPerRange.fc.toFixed(0)} µs`,
        reference: `${cpuPerRange.bare.toFixed(0)} µs`,
        ratio: fmt.ratio(cpuPerRange.bare / cpuPerRange.fc),
        target: '—',
        met: '—',
      },
      {
        metric: '1 MiB Range requests, req/s · p99',
        framecast: `${fmt.int(s.fc.rps)} · ${fmt.ms(s.fc.p99)}`,
        reference: `${fmt.int(s.bare.rps)} · ${fmt.ms(s.bare.p99)}`,
        ratio: fmt.ratio(s.fc.rps / s.bare.rps),
        target: '—',
        met: '—',
      },
    ];
    const bad = [w.fc, w.bare, s.fc, s.bare].reduce((n, r) => n + r.non2xx + r.errors, 0);
    return {
      title: `Download (Range streaming of a ${fmt.mb(sizeBytes)} video, disk storage)`,
      rows,
      notes: [
        `Framecast: \`dist/src/main.js\` with PostgreSQL, Redis and disk storage (APP_ENV=test: production insists on S3; the disk adapter is the one that streams from this machine, like the reference), X-API-Key auth; the completed job and its object were written through \`DiskObjectStorage\`, \`KyselyJobRepository\` and the domain transitions. Reference: a bare Node \`http\` server piping \`fs.createReadStream\` (same file, same page cache).`,
        `A streaming client in the bench process (node:http keep-alive, bytes counted and dropped): whole-file GETs at 4 connections and 1 MiB Range GETs (a fixed pseudo-random walk over the file) at 16 connections, ${duration} s per run, 2 alternating rounds after a warm-up; throughput = response bytes per second.`,
        `Non-2xx answers or socket errors during the measured runs: ${bad}.`,
      ],
    };
  } finally {
    for (const server of servers.reverse()) await server.stop();
    await database.drop().catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) {
  printSection(await runDownload({ quick: isQuick() }));
}
