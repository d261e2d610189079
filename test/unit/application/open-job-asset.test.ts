import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { OpenJobAsset, type OpenedAsset } from '../../../src/application/open-job-asset.js';
import { claimJob, completeJob, createJob, type Job } from '../../../src/domain/job.js';
import type { VideoAsset } from '../../../src/domain/video-asset.js';
import { VideoSpec } from '../../../src/domain/video-spec.js';
import {
  ALICE,
  BOB,
  createApplicationFixture,
  readAll,
  seqId,
  T0,
  type ApplicationFixture,
} from '../../support/application-fixture.js';

const JOB_ID = seqId(700);
const BASE = `test/${ALICE}/${JOB_ID}/attempt-1`;
const VIDEO = Buffer.from('0123456789'); // 10 bytes: ranges are easy to check
const THUMBNAIL = Buffer.from([0xff, 0xd8, 0xff, 0xd9]);
const SUBTITLES = Buffer.from('WEBVTT\n');
const spec = VideoSpec.create({ topic: 'Tides' })._unsafeUnwrap();
const asset: VideoAsset = {
  videoKey: `${BASE}/video.mp4`,
  thumbnailKey: `${BASE}/thumbnail.jpg`,
  subtitlesKey: `${BASE}/subtitles.vtt`,
  sizeBytes: VIDEO.length,
  durationSeconds: 5,
  width: 640,
  height: 360,
  fps: 15,
  videoCodec: 'h264',
  audioCodec: null,
  bitrate: 16,
  sha256: 'b'.repeat(64),
};

const queuedJob = (): Job => createJob({ id: JOB_ID, ownerId: ALICE, spec, maxAttempts: 3, now: T0 });
const completedJob = (): Job =>
  completeJob(claimJob(queuedJob(), { workerId: 'w', leaseMs: 1_000, now: T0 })._unsafeUnwrap(), {
    attempt: 1,
    result: asset,
    now: T0,
  })._unsafeUnwrap();

async function withCompletedJob(options: { store?: boolean } = {}): Promise<ApplicationFixture> {
  const f = createApplicationFixture();
  (await f.jobs.insert(completedJob()))._unsafeUnwrap();
  if (options.store !== false) {
    const put = (key: string, bytes: Buffer, contentType: string) =>
      f.storage.putStream(key, Readable.from([bytes]), { contentType });
    (await put(asset.videoKey, VIDEO, 'video/mp4'))._unsafeUnwrap();
    (await put(asset.thumbnailKey, THUMBNAIL, 'image/jpeg'))._unsafeUnwrap();
    (await put(asset.subtitlesKey, SUBTITLES, 'text/vtt; charset=utf-8'))._unsafeUnwrap();
  }
  return f;
}

async function bodyOf(opened: OpenedAsset): Promise<{ bytes: string; range: unknown; size: number }> {
  if (opened.kind !== 'body') throw new Error(`expected a body, got ${opened.kind}`);
  return {
    bytes: (await readAll(opened.body.stream)).toString(),
    range: opened.body.range,
    size: opened.body.info.size,
  };
}

describe('OpenJobAsset', () => {
  it('answers JobNotCompleted (409) before the job completes', async () => {
    const f = createApplicationFixture();
    (await f.jobs.insert(queuedJob()))._unsafeUnwrap();
    const result = await f.openJobAsset.execute({
      principal: f.principal(ALICE),
      jobId: JOB_ID,
      asset: 'video',
      range: null,
    });
    expect(result._unsafeUnwrapErr()).toEqual({ type: 'JobNotCompleted', jobId: JOB_ID, status: 'queued' });
  });

  it('answers JobNotCompleted with the status of a processing job', async () => {
    const f = createApplicationFixture();
    const job = await f.submit();
    (await f.jobs.claim('worker-1', 30_000, 1))._unsafeUnwrap();
    const result = await f.openJobAsset.execute({
      principal: f.principal(ALICE),
      jobId: job.id,
      asset: 'thumbnail',
      range: null,
    });
    expect(result._unsafeUnwrapErr()).toEqual({
      type: 'JobNotCompleted',
      jobId: job.id,
      status: 'processing',
    });
  });

  it('streams the whole video with its content type and file name', async () => {
    const f = await withCompletedJob();
    const opened = (
      await f.openJobAsset.execute({
        principal: f.principal(ALICE),
        jobId: JOB_ID,
        asset: 'video',
        range: null,
      })
    )._unsafeUnwrap();
    expect(opened).toMatchObject({ kind: 'body', contentType: 'video/mp4', fileName: 'video.mp4' });
    expect(await bodyOf(opened)).toEqual({ bytes: '0123456789', range: null, size: 10 });
  });

  it.each([
    ['thumbnail', THUMBNAIL, 'image/jpeg', 'thumbnail.jpg'],
    ['subtitles', SUBTITLES, 'text/vtt; charset=utf-8', 'subtitles.vtt'],
  ] as const)('serves the %s', async (kind, bytes, contentType, fileName) => {
    const f = await withCompletedJob();
    const opened = (
      await f.openJobAsset.execute({ principal: f.principal(ALICE), jobId: JOB_ID, asset: kind, range: null })
    )._unsafeUnwrap();
    expect(opened).toMatchObject({ kind: 'body', contentType, fileName });
    if (opened.kind === 'body') expect(await readAll(opened.body.stream)).toEqual(bytes);
  });

  it.each([
    ['bounded', { kind: 'bounded', start: 2, end: 5 }, '2345', { start: 2, end: 5 }],
    ['bounded past the end (clamped)', { kind: 'bounded', start: 8, end: 99 }, '89', { start: 8, end: 9 }],
    ['open-ended', { kind: 'from', start: 7 }, '789', { start: 7, end: 9 }],
    ['suffix', { kind: 'suffix', length: 4 }, '6789', { start: 6, end: 9 }],
    ['suffix longer than the file', { kind: 'suffix', length: 50 }, '0123456789', { start: 0, end: 9 }],
  ] as const)('serves a %s range', async (_name, range, bytes, served) => {
    const f = await withCompletedJob();
    const opened = (
      await f.openJobAsset.execute({ principal: f.principal(ALICE), jobId: JOB_ID, asset: 'video', range })
    )._unsafeUnwrap();
    expect(await bodyOf(opened)).toEqual({ bytes, range: served, size: 10 });
  });

  it.each([
    ['a start past the end', { kind: 'from', start: 10 }],
    ['a bounded start past the end', { kind: 'bounded', start: 12, end: 20 }],
    ['an empty suffix', { kind: 'suffix', length: 0 }],
  ] as const)('answers RangeNotSatisfiable with the size for %s', async (_name, range) => {
    const f = await withCompletedJob();
    const result = await f.openJobAsset.execute({
      principal: f.principal(ALICE),
      jobId: JOB_ID,
      asset: 'video',
      range,
    });
    expect(result._unsafeUnwrapErr()).toEqual({ type: 'RangeNotSatisfiable', size: 10 });
  });

  it('honours the range when If-Range matches the current ETag', async () => {
    const f = await withCompletedJob();
    const etag = (await f.storage.head(asset.videoKey))._unsafeUnwrap().etag;
    const opened = (
      await f.openJobAsset.execute({
        principal: f.principal(ALICE),
        jobId: JOB_ID,
        asset: 'video',
        range: { kind: 'bounded', start: 0, end: 1 },
        ifRange: etag,
      })
    )._unsafeUnwrap();
    expect(await bodyOf(opened)).toEqual({ bytes: '01', range: { start: 0, end: 1 }, size: 10 });
  });

  it('ignores the range (whole body) when If-Range does not match', async () => {
    const f = await withCompletedJob();
    const opened = (
      await f.openJobAsset.execute({
        principal: f.principal(ALICE),
        jobId: JOB_ID,
        asset: 'video',
        range: { kind: 'bounded', start: 0, end: 1 },
        ifRange: '"an-older-version"',
      })
    )._unsafeUnwrap();
    expect(await bodyOf(opened)).toEqual({ bytes: '0123456789', range: null, size: 10 });
  });

  it('ignores an unsatisfiable range too when If-Range does not match', async () => {
    const f = await withCompletedJob();
    const opened = (
      await f.openJobAsset.execute({
        principal: f.principal(ALICE),
        jobId: JOB_ID,
        asset: 'video',
        range: { kind: 'from', start: 500 },
        ifRange: 'Wed, 21 Oct 2015 07:28:00 GMT',
      })
    )._unsafeUnwrap();
    expect((await bodyOf(opened)).range).toBeNull();
  });

  it('streams the bytes itself when asked to redirect but the store cannot presign', async () => {
    const f = await withCompletedJob();
    const opened = (
      await f.openJobAsset.execute({
        principal: f.principal(ALICE),
        jobId: JOB_ID,
        asset: 'video',
        range: null,
        redirect: true,
      })
    )._unsafeUnwrap();
    expect(await bodyOf(opened)).toEqual({ bytes: '0123456789', range: null, size: 10 });
  });

  it('answers AssetNotFound when the stored file is missing', async () => {
    const f = await withCompletedJob({ store: false });
    const result = await f.openJobAsset.execute({
      principal: f.principal(ALICE),
      jobId: JOB_ID,
      asset: 'thumbnail',
      range: null,
    });
    expect(result._unsafeUnwrapErr()).toEqual({ type: 'AssetNotFound', jobId: JOB_ID, asset: 'thumbnail' });
  });

  it('passes a storage outage through as StorageUnavailable', async () => {
    const f = await withCompletedJob();
    const outage = { type: 'StorageUnavailable', message: 'disk gone', retryable: true } as const;
    f.storage.simulateOutage(outage);
    const result = await f.openJobAsset.execute({
      principal: f.principal(ALICE),
      jobId: JOB_ID,
      asset: 'video',
      range: null,
    });
    expect(result._unsafeUnwrapErr()).toEqual(outage);
  });

  it("answers JobNotFound for another user's job", async () => {
    const f = await withCompletedJob();
    const result = await f.openJobAsset.execute({
      principal: f.principal(BOB),
      jobId: JOB_ID,
      asset: 'video',
      range: null,
    });
    expect(result._unsafeUnwrapErr()).toEqual({ type: 'JobNotFound', jobId: JOB_ID });
  });

  it('serves what the worker stored for a processed job', async () => {
    const f = createApplicationFixture();
    const job = await f.submit();
    await f.process();
    const opened = (
      await f.openJobAsset.execute({
        principal: f.principal(ALICE),
        jobId: job.id,
        asset: 'video',
        range: null,
      })
    )._unsafeUnwrap();
    if (opened.kind !== 'body') throw new Error('expected a body');
    expect(await readAll(opened.body.stream)).toEqual(f.renderer.outputs[0]!.video);
  });

  describe('completed-job cache', () => {
    const TTL = 60_000;
    const cached = (f: ApplicationFixture) =>
      new OpenJobAsset({
        jobs: f.jobs,
        storage: f.storage,
        settings: { presignExpiresSeconds: 60 },
        cache: { ttlMs: TTL, now: () => f.clock.now().getTime() },
      });
    const read = async (
      o: OpenJobAsset,
      f: ApplicationFixture,
      userId = ALICE,
      range = null as null | { kind: 'bounded'; start: number; end: number },
    ) => o.execute({ principal: f.principal(userId), jobId: JOB_ID, asset: 'video', range });

    it('serves repeated ranges without reading the job again, for up to the TTL', async () => {
      const f = await withCompletedJob();
      const o = cached(f);
      expect(await bodyOf((await read(o, f))._unsafeUnwrap())).toMatchObject({ bytes: '0123456789' });
      // The row alone disappearing is not seen (every deletion removes the objects first)...
      (await f.jobs.delete(JOB_ID, (await f.job(JOB_ID)).version))._unsafeUnwrap();
      const range = { kind: 'bounded', start: 2, end: 4 } as const;
      expect(await bodyOf((await read(o, f, ALICE, range))._unsafeUnwrap())).toEqual({
        bytes: '234',
        range: { start: 2, end: 4 },
        size: 10,
      });
      expect(o.cachedJobs).toBe(1);
      // ...until the TTL ends.
      f.clock.advance(TTL);
      expect((await read(o, f))._unsafeUnwrapErr()).toEqual({ type: 'JobNotFound', jobId: JOB_ID });
    });

    it('lets deletion win: once the objects are gone the job is read again (JobNotFound)', async () => {
      const f = await withCompletedJob();
      const o = cached(f);
      (await read(o, f))._unsafeUnwrap();
      (await f.storage.deletePrefix(`test/${ALICE}/${JOB_ID}/`))._unsafeUnwrap();
      (await f.jobs.delete(JOB_ID, (await f.job(JOB_ID)).version))._unsafeUnwrap();
      expect((await read(o, f))._unsafeUnwrapErr()).toEqual({ type: 'JobNotFound', jobId: JOB_ID });
      expect(o.cachedJobs).toBe(0);
    });

    it('answers AssetNotFound when only the object is gone, as without the cache', async () => {
      const f = await withCompletedJob();
      const o = cached(f);
      (await read(o, f))._unsafeUnwrap();
      (await f.storage.delete(asset.videoKey))._unsafeUnwrap();
      expect((await read(o, f))._unsafeUnwrapErr()).toEqual({
        type: 'AssetNotFound',
        jobId: JOB_ID,
        asset: 'video',
      });
    });

    it('serves a replaced object with its new size and ETag', async () => {
      const f = await withCompletedJob();
      const o = cached(f);
      (await read(o, f))._unsafeUnwrap();
      (
        await f.storage.putStream(asset.videoKey, Readable.from([Buffer.from('abcdefghijklmnop')]), {
          contentType: 'video/mp4',
        })
      )._unsafeUnwrap();
      expect(await bodyOf((await read(o, f))._unsafeUnwrap())).toEqual({
        bytes: 'abcdefghijklmnop',
        range: null,
        size: 16,
      });
    });

    it("answers JobNotFound to another user while the owner's job is cached", async () => {
      const f = await withCompletedJob();
      const o = cached(f);
      (await read(o, f))._unsafeUnwrap();
      expect((await read(o, f, BOB))._unsafeUnwrapErr()).toEqual({ type: 'JobNotFound', jobId: JOB_ID });
    });

    it('does not remember jobs that are not completed', async () => {
      const f = createApplicationFixture();
      (await f.jobs.insert(queuedJob()))._unsafeUnwrap();
      const o = cached(f);
      expect((await read(o, f))._unsafeUnwrapErr()).toMatchObject({ type: 'JobNotCompleted' });
      expect(o.cachedJobs).toBe(0);
    });
  });
});
