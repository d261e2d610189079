import { mkdir, mkdtemp, readdir, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { FsScratchSpace } from '../../../src/adapters/fs/fs-scratch-space.js';
import { InMemoryUploadRepository } from '../../../src/adapters/memory/in-memory-upload-repository.js';
import { mutateJob } from '../../../src/application/mutate-job.js';
import { PurgeExpiredData } from '../../../src/application/purge-expired-data.js';
import { requestCancel } from '../../../src/domain/job.js';
import {
  ALICE,
  BOB,
  createApplicationFixture,
  type ApplicationFixture,
} from '../../support/application-fixture.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const dirs: string[] = [];

afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function setup(): Promise<{
  f: ApplicationFixture;
  purge: PurgeExpiredData;
  uploads: InMemoryUploadRepository;
  scratchDir: string;
}> {
  const f = createApplicationFixture();
  const uploads = new InMemoryUploadRepository();
  const scratchDir = await mkdtemp(path.join(tmpdir(), 'framecast-scratch-'));
  dirs.push(scratchDir);
  const purge = new PurgeExpiredData({
    jobs: f.jobs,
    events: f.events,
    storage: f.storage,
    uploads,
    scratch: new FsScratchSpace(scratchDir),
    clock: f.clock,
    logger: f.logger,
    settings: {
      storagePrefix: 'test',
      retentionMs: 30 * DAY,
      orphanGraceMs: HOUR,
      scratchMaxAgeMs: 6 * HOUR,
    },
  });
  return { f, purge, uploads, scratchDir };
}

const put = async (f: ApplicationFixture, key: string): Promise<void> => {
  (
    await f.storage.putStream(key, Readable.from([Buffer.from('x')]), {
      contentType: 'application/octet-stream',
    })
  )._unsafeUnwrap();
};

describe('PurgeExpiredData', () => {
  it('deletes finished jobs past the retention age with their files and log, and keeps the rest', async () => {
    const { f, purge } = await setup();
    const old = await f.submit();
    expect(await f.process()).toMatchObject({ kind: 'completed', jobId: old.id });
    const oldCancelled = await f.submit({ ownerId: BOB });
    (await mutateJob(f.jobs, oldCancelled.id, (j) => requestCancel(j, f.clock.now())))._unsafeUnwrap();
    f.clock.advance(31 * DAY);
    const recent = await f.submit();
    expect(await f.process()).toMatchObject({ kind: 'completed', jobId: recent.id });
    const stillQueued = await f.submit();
    f.clock.advance(30 * DAY - 1000);
    // `recent` finished 30 days - 1 s ago: kept. `stillQueued` is old but not finished: kept.

    const report = (await purge.execute())._unsafeUnwrap();

    expect(report).toMatchObject({ expiredJobs: 2, expiredJobObjects: 3, failures: [] });
    expect((await f.jobs.findById(old.id)).isErr()).toBe(true);
    expect((await f.jobs.findById(oldCancelled.id)).isErr()).toBe(true);
    expect(await f.eventsOf(old.id)).toEqual([]);
    expect(await f.storedKeys(`test/${ALICE}/${old.id}/`)).toEqual([]);
    expect((await f.job(recent.id)).status).toBe('completed');
    expect(await f.storedKeys(`test/${ALICE}/${recent.id}/`)).toHaveLength(3);
    expect((await f.job(stillQueued.id)).status).toBe('queued');
  });

  it('deletes orphaned objects past the grace period: other attempts, deleted jobs, lost uploads', async () => {
    const { f, purge, uploads } = await setup();
    const done = await f.submit();
    expect(await f.process()).toMatchObject({ kind: 'completed' });
    const running = await f.submit();
    (await f.jobs.claim('worker-x', 60 * DAY, 1))._unsafeUnwrap();
    const upload = {
      id: 'upload-1',
      ownerId: ALICE,
      storageKey: `test/${ALICE}/uploads/upload-1`,
      fileName: 'a.png',
      mediaType: 'image/png',
      kind: 'image' as const,
      sizeBytes: 1,
      sha256: 'x',
      purpose: null,
      versionId: null,
      createdAt: f.clock.now(),
    };
    (await uploads.insert(upload))._unsafeUnwrap();
    const orphans = [
      `test/${ALICE}/${done.id}/attempt-7/video.mp4`, // an attempt whose lease was lost
      `test/${ALICE}/${running.id}/attempt-0/video.mp4`, // an earlier attempt of a running job
      `test/${ALICE}/deleted-job/attempt-1/video.mp4`, // its job is gone
      `test/${BOB}/${done.id}/attempt-1/video.mp4`, // under the wrong owner
      `test/${ALICE}/uploads/gone-upload`, // its upload record is gone
    ];
    const kept = [
      `test/${ALICE}/${running.id}/attempt-1/video.mp4`, // the running attempt uploads now
      upload.storageKey,
    ];
    for (const key of [...orphans, ...kept]) await put(f, key);
    const resultKeys = await f.storedKeys(`test/${ALICE}/${done.id}/attempt-1/`);
    f.clock.advance(HOUR + 1);
    const young = `test/${ALICE}/deleted-job-2/attempt-1/video.mp4`;
    await put(f, young);

    const report = (await purge.execute())._unsafeUnwrap();

    expect(report).toMatchObject({ orphanedObjects: orphans.length, expiredJobs: 0, failures: [] });
    const left = await f.storedKeys();
    for (const key of orphans) expect(left).not.toContain(key);
    for (const key of [...kept, ...resultKeys, young]) expect(left).toContain(key);
    // The completed job still downloads: its result's files are all there.
    const result = (await f.job(done.id)).result!;
    expect(left).toEqual(expect.arrayContaining([result.videoKey, result.thumbnailKey, result.subtitlesKey]));
  });

  it('removes render scratch directories older than the limit, and only those', async () => {
    const { purge, scratchDir } = await setup();
    const stale = path.join(scratchDir, 'render-crashed-abc');
    const fresh = path.join(scratchDir, 'render-running-def');
    await mkdir(path.join(stale, 'frames'), { recursive: true });
    await mkdir(fresh);
    // The fixture's clock starts on 2026-01-01: make the stale directory older than that minus 6 h.
    const longAgo = new Date('2025-12-31T00:00:00Z');
    await utimes(stale, longAgo, longAgo);
    await utimes(fresh, new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:00Z'));

    const report = (await purge.execute())._unsafeUnwrap();

    expect(report.staleScratchDirectories).toBe(1);
    expect(await readdir(scratchDir)).toEqual(['render-running-def']);
  });

  it('reports a missing scratch area as nothing to do', async () => {
    expect(
      (await new FsScratchSpace('/nonexistent/framecast-tmp').removeOlderThan(new Date()))._unsafeUnwrap(),
    ).toBe(0);
  });
});
