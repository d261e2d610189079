import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startS3Server } from '../test/support/s3rver.js';
import { profileTables, summarizeProfile } from './lib/cpu-profile.js';
import { apiLoad } from './lib/load.js';
import { fmt } from './lib/report.js';
import {
  BUILT_MAIN,
  createDatabase,
  ensureBuilt,
  isMain,
  productionEnv,
  ROOT,
  spawnNode,
} from './lib/services.js';

const API_KEY = 'bench-api-key-0123456789abcdef01234567';

/**
 * Profiles the built server with production adapters under the status (or generate) load:
 * `node --cpu-prof`, autocannon 50 connections, then prints the hottest functions and packages.
 * Usage: `node --import tsx bench/profile-api.ts [status|generate] [seconds]`.
 */
export async function profileApi(kind: 'status' | 'generate', seconds: number): Promise<string> {
  ensureBuilt();
  const database = await createDatabase('prof');
  const dataDir = await mkdtemp(path.join(tmpdir(), 'framecast-bench-prof-'));
  const profDir = path.join(dataDir, 'prof');
  const s3 = await startS3Server({ bucket: 'framecast-bench' });
  try {
    const server = await spawnNode(
      ['--cpu-prof', '--cpu-prof-dir', profDir, BUILT_MAIN],
      productionEnv({
        databaseUrl: database.url,
        dataDir,
        apiKey: API_KEY,
        s3: { endpoint: s3.endpoint, bucket: s3.bucket, ...s3.credentials },
      }),
    );
    const headers = { 'x-api-key': API_KEY, 'content-type': 'application/json' };
    const body = JSON.stringify({ topic: 'Profiling', quality: 'preview', narration: false });
    const created = await fetch(`${server.baseUrl}/api/v1/videos/generate`, {
      method: 'POST',
      headers,
      body,
    });
    const job = (await created.json()) as { id: string };
    const result = await apiLoad({ baseUrl: server.baseUrl, kind, jobId: job.id, seconds, headers, body });
    await server.stop();
    const { functions, packages } = summarizeProfile(profDir, ROOT);
    // BENCH_PROFILE_OUT=<file>: keep the raw .cpuprofile (for Chrome DevTools or a script).
    const keep = process.env['BENCH_PROFILE_OUT'];
    if (keep !== undefined && keep !== '') {
      const file = (await readdir(profDir))
        .filter((f) => f.endsWith('.cpuprofile'))
        .sort()
        .at(-1);
      if (file !== undefined) await copyFile(path.join(profDir, file), keep);
    }
    const lines = [
      `${kind}: ${fmt.int(result.rps)} req/s, p50 ${fmt.ms(result.p50)}, p99 ${fmt.ms(result.p99)}`,
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
  const kind = process.argv[2] === 'generate' ? 'generate' : 'status';
  const seconds = Number(process.argv[3] ?? 10);
  process.stdout.write(`${await profileApi(kind, seconds)}\n`);
}
