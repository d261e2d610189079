import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createJob } from '../../src/domain/job.js';
import { VideoSpec } from '../../src/domain/video-spec.js';
import { LOCK_FILE_NAME } from '../../src/adapters/postgres/data-dir-lock.js';
import { KyselyJobRepository } from '../../src/adapters/postgres/kysely-job-repository.js';
import { migrateToLatest } from '../../src/adapters/postgres/migrate.js';
import { migrations } from '../../migrations/index.js';
import { createPgliteDatabase } from '../../src/adapters/postgres/pglite-database.js';
import { pgliteTestDatabases } from '../support/databases.js';
import { describeKyselyContracts } from './kysely-contracts.js';

const pglite = pgliteTestDatabases();
afterAll(() => pglite.dispose());

describeKyselyContracts(pglite);

describe('createPgliteDatabase and migrateToLatest [pglite]', () => {
  const dirs: string[] = [];
  const tempDir = (): string => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'framecast-pglite-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('migrates once: a second run executes nothing', async () => {
    const { db } = await pglite.open();
    expect(await migrateToLatest(db)).toEqual({ executed: [] });
    const tables = await sql<{ table_name: string }>`
      SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1`.execute(
      db,
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining(['api_keys', 'job_events', 'jobs', 'users']),
    );
  });

  it('leaves an unexpected bookkeeping record to Migrator: an unknown executed migration still fails', async () => {
    const { db } = await pglite.open();
    expect(await migrateToLatest(db)).toEqual({ executed: [] });
    await sql`INSERT INTO kysely_migration (name, timestamp) VALUES ('2099-01-01T0000-from-the-future', '2099-01-01')`.execute(
      db,
    );

    await expect(migrateToLatest(db)).rejects.toThrow(/2099-01-01T0000-from-the-future/);
  });

  it('refuses a data directory locked by a live process, naming the directory', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, LOCK_FILE_NAME), `${process.pid}\n`);
    await expect(createPgliteDatabase({ dataDir: dir })).rejects.toThrow(dir);
    // Refused before PGlite touched the directory.
    expect(fs.readdirSync(dir)).toEqual([LOCK_FILE_NAME]);
  });

  it('persists to a data directory, holds its lock while open, and takes over a stale lock', async () => {
    const dir = tempDir();
    // A lock left by a process that no longer exists (PID beyond the kernel's maximum).
    fs.writeFileSync(path.join(dir, LOCK_FILE_NAME), '4194305\n');
    const spec = VideoSpec.create({ topic: 'Persisted' })._unsafeUnwrap();
    const job = createJob({ id: 'job-persisted', ownerId: 'o', spec, maxAttempts: 1, now: new Date() });

    const first = await createPgliteDatabase({ dataDir: dir });
    expect(fs.readFileSync(path.join(dir, LOCK_FILE_NAME), 'utf8').trim()).toBe(String(process.pid));
    await expect(createPgliteDatabase({ dataDir: dir })).rejects.toThrow(/already in use/);
    expect((await migrateToLatest(first.db)).executed).toEqual(Object.keys(migrations).sort());
    (await new KyselyJobRepository(first.db).insert(job))._unsafeUnwrap();
    await first.close();
    expect(fs.existsSync(path.join(dir, LOCK_FILE_NAME))).toBe(false);

    const second = await createPgliteDatabase({ dataDir: dir });
    try {
      expect(await migrateToLatest(second.db)).toEqual({ executed: [] });
      expect((await new KyselyJobRepository(second.db).findById(job.id))._unsafeUnwrap()).toEqual(job);
    } finally {
      await second.close();
    }
  }, 60_000);
});
