import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { FsScratchFiles } from '../../../src/adapters/fs/fs-scratch-files.js';
import { InMemoryUploadRepository } from '../../../src/adapters/memory/in-memory-upload-repository.js';
import type { Upload, UploadKind } from '../../../src/domain/upload.js';
import type { RenderAssets } from '../../../src/ports/video-renderer.js';
import { ALICE, BOB, createApplicationFixture, T0 } from '../../support/application-fixture.js';

const LOGO = Buffer.from('\x89PNG\r\n\x1a\n logo bytes');
const BACKGROUND = Buffer.from('\xff\xd8\xff background bytes');
const MUSIC = Buffer.from('RIFF....WAVE music bytes');

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

async function setup() {
  const f = createApplicationFixture();
  const uploads = new InMemoryUploadRepository();
  const scratchRoot = mkdtempSync(join(tmpdir(), 'framecast-assets-test-'));
  roots.push(scratchRoot);
  const add = async (
    id: string,
    bytes: Buffer,
    kind: UploadKind,
    mediaType: string,
    ownerId = ALICE,
  ): Promise<Upload> => {
    const storageKey = `test/${ownerId}/uploads/${id}`;
    (
      await f.storage.putStream(storageKey, Readable.from([bytes]), { contentType: mediaType })
    )._unsafeUnwrap();
    return (
      await uploads.insert({
        id,
        ownerId,
        storageKey,
        fileName: id,
        mediaType,
        kind,
        sizeBytes: bytes.length,
        sha256: 'a'.repeat(64),
        purpose: null,
        versionId: null,
        createdAt: T0,
      })
    )._unsafeUnwrap();
  };
  await add('logo-1', LOGO, 'image', 'image/png');
  await add('bg-1', BACKGROUND, 'image', 'image/jpeg');
  await add('music-1', MUSIC, 'audio', 'audio/wav');
  const worker = f.makeProcessNextJob({ uploads, scratchFiles: new FsScratchFiles(scratchRoot) });
  const run = () => worker.execute({ workerId: 'w', shutdown: new AbortController().signal });
  return { f, uploads, add, scratchRoot, run };
}

const assetSpec = (assets: Record<string, string>) => ({ topic: 'Tides', narration: false, assets });
const ALL = { logoUploadId: 'logo-1', backgroundUploadId: 'bg-1', musicUploadId: 'music-1' };

describe('ProcessNextJob with uploaded assets', () => {
  it('hands the renderer local copies of the assets and removes them when the attempt ends', async () => {
    const { f, run, scratchRoot } = await setup();
    const seen: { paths: RenderAssets; bytes: Record<string, Buffer> }[] = [];
    f.renderer.script({
      kind: 'succeed',
      onStage: (stage, request) => {
        if (stage !== 'composing' || request.assets === undefined) return;
        const paths = request.assets;
        seen.push({
          paths,
          bytes: {
            logo: readFileSync(paths.logoPath ?? ''),
            background: readFileSync(paths.backgroundPath ?? ''),
            music: readFileSync(paths.musicPath ?? ''),
          },
        });
      },
    });
    const job = await f.submit({ spec: assetSpec(ALL) });

    expect(await run()).toMatchObject({ kind: 'completed', jobId: job.id });

    const paths = f.renderer.requests[0]?.assets;
    expect(paths).toEqual({
      logoPath: expect.stringMatching(/logo\.png$/),
      backgroundPath: expect.stringMatching(/background\.jpg$/),
      musicPath: expect.stringMatching(/music\.wav$/),
    });
    // While the render ran, the files held the uploaded bytes, inside the scratch root.
    expect(seen).toHaveLength(1);
    expect(seen[0]?.bytes).toEqual({ logo: LOGO, background: BACKGROUND, music: MUSIC });
    for (const p of Object.values(paths ?? {})) expect(p.startsWith(scratchRoot)).toBe(true);
    // Afterwards nothing is left.
    for (const p of Object.values(paths ?? {})) expect(existsSync(p)).toBe(false);
    expect(readdirSync(scratchRoot)).toEqual([]);
    expect(await f.eventsOf(job.id)).toContainEqual(
      expect.objectContaining({
        stage: 'planning',
        level: 'info',
        message: 'Fetched 3 asset(s): logo, background, music',
        data: {
          attempt: 1,
          assets: [
            { role: 'logo', uploadId: 'logo-1', sizeBytes: LOGO.length },
            { role: 'background', uploadId: 'bg-1', sizeBytes: BACKGROUND.length },
            { role: 'music', uploadId: 'music-1', sizeBytes: MUSIC.length },
          ],
        },
      }),
    );
  });

  it('passes only the assets the spec names, and none (no scratch directory) when it names none', async () => {
    const { f, run, scratchRoot } = await setup();
    await f.submit({ spec: assetSpec({ musicUploadId: 'music-1' }) });
    await f.submit({ spec: { topic: 'No assets' } });
    expect(await run()).toMatchObject({ kind: 'completed' });
    expect(await run()).toMatchObject({ kind: 'completed' });
    expect(Object.keys(f.renderer.requests[0]?.assets ?? {})).toEqual(['musicPath']);
    expect(f.renderer.requests[1]).not.toHaveProperty('assets');
    expect(readdirSync(scratchRoot)).toEqual([]);
  });

  it('removes the scratch files when the render fails too', async () => {
    const { f, run, scratchRoot } = await setup();
    f.renderer.script({ kind: 'fail', stage: 'composing', retryable: false });
    const job = await f.submit({ spec: assetSpec(ALL) });
    expect(await run()).toMatchObject({ kind: 'failed' });
    expect((await f.job(job.id)).error?.code).toBe('RENDER_FAILED');
    expect(readdirSync(scratchRoot)).toEqual([]);
  });

  it('fails permanently with ASSET_UNAVAILABLE when an upload was deleted, without rendering', async () => {
    const { f, run, uploads, scratchRoot } = await setup();
    const job = await f.submit({ spec: assetSpec(ALL) });
    (await uploads.delete('bg-1'))._unsafeUnwrap();

    expect(await run()).toMatchObject({ kind: 'failed', jobId: job.id });

    const failed = await f.job(job.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toEqual({
      code: 'ASSET_UNAVAILABLE',
      message: 'the background upload bg-1 no longer exists',
      retryable: false,
    });
    expect(f.renderer.requests).toHaveLength(0);
    expect(readdirSync(scratchRoot)).toEqual([]);
    expect(await f.eventsOf(job.id)).toContainEqual(
      expect.objectContaining({
        stage: 'planning',
        level: 'error',
        message: 'Asset unavailable: the background upload bg-1 no longer exists',
        data: {
          attempt: 1,
          asset: 'background',
          uploadId: 'bg-1',
          code: 'ASSET_UNAVAILABLE',
          retryable: false,
        },
      }),
    );
  });

  it("treats another user's upload exactly like a missing one", async () => {
    const { f, run, add } = await setup();
    await add('bobs-logo', LOGO, 'image', 'image/png', BOB);
    const job = await f.submit({ spec: assetSpec({ logoUploadId: 'bobs-logo' }) });
    expect(await run()).toMatchObject({ kind: 'failed' });
    expect((await f.job(job.id)).error).toEqual({
      code: 'ASSET_UNAVAILABLE',
      message: 'the logo upload bobs-logo no longer exists',
      retryable: false,
    });
    expect(f.renderer.requests).toHaveLength(0);
  });

  it('refuses an upload of the wrong kind and a stored file that vanished (not retryable)', async () => {
    const { f, run, scratchRoot } = await setup();
    const wrongKind = await f.submit({ spec: assetSpec({ logoUploadId: 'music-1' }) });
    expect(await run()).toMatchObject({ kind: 'failed' });
    expect((await f.job(wrongKind.id)).error).toEqual({
      code: 'ASSET_UNAVAILABLE',
      message: 'the logo upload music-1 is an audio file, not an image',
      retryable: false,
    });

    (await f.storage.delete(`test/${ALICE}/uploads/music-1`))._unsafeUnwrap();
    const vanished = await f.submit({ spec: assetSpec(ALL) });
    expect(await run()).toMatchObject({ kind: 'failed' });
    expect((await f.job(vanished.id)).error).toEqual({
      code: 'ASSET_UNAVAILABLE',
      message: 'the stored file of the music upload music-1 is missing',
      retryable: false,
    });
    // The logo and background fetched before the failure were removed with their directory.
    expect(readdirSync(scratchRoot)).toEqual([]);
    expect(f.renderer.requests).toHaveLength(0);
  });

  it('retries the attempt when object storage is down', async () => {
    const { f, run, scratchRoot } = await setup();
    const job = await f.submit({ spec: assetSpec(ALL) });
    f.storage.simulateOutage({ type: 'StorageUnavailable', message: 'S3 503', retryable: true });
    expect(await run()).toMatchObject({ kind: 'retrying' });
    f.storage.simulateOutage(null);
    expect(await f.job(job.id)).toMatchObject({
      status: 'queued',
      attempts: 1,
      error: { code: 'STORAGE_UNAVAILABLE', retryable: true },
    });
    expect(readdirSync(scratchRoot)).toEqual([]);
    expect(f.renderer.requests).toHaveLength(0);
  });

  it('fails permanently when the worker has no upload repository or scratch space', async () => {
    const f = createApplicationFixture();
    const job = await f.submit({ spec: assetSpec({ logoUploadId: 'logo-1' }) });
    expect(await f.process()).toMatchObject({ kind: 'failed' });
    expect((await f.job(job.id)).error).toMatchObject({ code: 'ASSET_UNAVAILABLE', retryable: false });
  });
});
