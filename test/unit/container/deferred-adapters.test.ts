import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ok } from 'neverthrow';
import { afterEach, describe, expect, it } from 'vitest';
import { FileTypeMediaTypeDetector } from '../../../src/adapters/file-type/file-type-media-type-detector.js';
import { loadConfig } from '../../../src/config/config.js';
import { createContainer, MEDIA_SAMPLE_BYTES } from '../../../src/container/composition-root.js';
import { DeferredMediaTypeDetector } from '../../../src/container/deferred-media-type-detector.js';
import { DeferredVideoRenderer } from '../../../src/container/deferred-video-renderer.js';
import { T } from '../../../src/container/tokens.js';
import { createTestApp } from '../../support/http-app.js';
import type { RenderRequest, RendererHealth, VideoRenderer } from '../../../src/ports/video-renderer.js';

const PNG = Uint8Array.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
]);
const healthy: RendererHealth = { ok: true, ffmpeg: 'ffmpeg version x', ffprobe: 'ffprobe version x' };

describe('DeferredMediaTypeDetector', () => {
  it('loads the adapter on the first detection only, and detects with it', async () => {
    let loads = 0;
    const detector = new DeferredMediaTypeDetector(MEDIA_SAMPLE_BYTES, async () => {
      loads += 1;
      return new FileTypeMediaTypeDetector();
    });
    expect(loads).toBe(0);

    expect(await detector.detect(PNG)).toBe('image/png');
    expect(await detector.detect(new TextEncoder().encode('plain text'))).toBeNull();
    expect(loads).toBe(1);
  });

  it("announces the file-type adapter's sample size before loading it", () => {
    expect(MEDIA_SAMPLE_BYTES).toBe(new FileTypeMediaTypeDetector().sampleBytes);
  });

  it('a failed load fails that detection and is tried again on the next', async () => {
    let loads = 0;
    const detector = new DeferredMediaTypeDetector(10, async () => {
      loads += 1;
      if (loads === 1) throw new Error('cannot load');
      return new FileTypeMediaTypeDetector();
    });

    await expect(detector.detect(PNG)).rejects.toThrow('cannot load');
    expect(await detector.detect(PNG)).toBe('image/png');
    expect(loads).toBe(2);
  });
});

describe('DeferredVideoRenderer', () => {
  const request = { jobId: 'j1' } as unknown as RenderRequest;
  const options = { signal: new AbortController().signal, onProgress: () => {} };

  it('loads once for concurrent first calls and delegates render and check', async () => {
    let loads = 0;
    const inner: VideoRenderer = {
      render: async () => ok({ videoPath: 'v' } as never),
      check: async () => healthy,
    };
    const renderer = new DeferredVideoRenderer(async () => {
      loads += 1;
      return inner;
    });
    expect(renderer.loaded).toBe(false);

    const [health, rendered] = await Promise.all([renderer.check(), renderer.render(request, options)]);

    expect(loads).toBe(1);
    expect(renderer.loaded).toBe(true);
    expect(health).toEqual(healthy);
    expect(rendered._unsafeUnwrap()).toEqual({ videoPath: 'v' });
  });

  it('reports a failed load as an unhealthy check and a non-retryable render failure, then retries', async () => {
    let loads = 0;
    const renderer = new DeferredVideoRenderer(async () => {
      loads += 1;
      if (loads <= 2) throw new Error('native module missing');
      return { render: async () => ok({} as never), check: async () => healthy };
    });

    expect(await renderer.check()).toEqual({
      ok: false,
      ffmpeg: 'unavailable',
      ffprobe: 'unavailable',
      detail: 'the renderer could not be loaded: native module missing',
    });
    expect((await renderer.render(request, options))._unsafeUnwrapErr()).toEqual({
      type: 'RenderFailed',
      stage: 'rendering',
      message: 'the renderer could not be loaded: native module missing',
      retryable: false,
    });
    expect(await renderer.check()).toEqual(healthy);
    await expect(renderer.load()).resolves.toBeDefined();
    expect(loads).toBe(3);
  });
});

describe('composition root: where a worker runs, the renderer is loaded while constructing', () => {
  let dataDir = '';
  afterEach(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('WORKER_CONCURRENCY=1: the adapter is loaded before the renderer is handed out', async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'framecast-deferred-'));
    const config = loadConfig({
      APP_ENV: 'test',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      WORKER_CONCURRENCY: '1',
    });
    const container = createContainer(config);
    try {
      const renderer = await container.resolve(T.renderer);
      expect(renderer).toBeInstanceOf(DeferredVideoRenderer);
      expect((renderer as DeferredVideoRenderer).loaded).toBe(true);
      expect(await (renderer as DeferredVideoRenderer).load()).not.toBeInstanceOf(DeferredVideoRenderer);
    } finally {
      await container.stop();
    }
  });
});

describe('composition root: where no worker runs, the renderer waits for its first check', () => {
  it('is not loaded by start(); concurrent health reads share one check', async () => {
    const t = await createTestApp();
    try {
      const renderer = (await t.container.resolve(T.renderer)) as DeferredVideoRenderer;
      expect(renderer.loaded).toBe(false);
      const [first, second] = await Promise.all([t.container.health(), t.container.health()]);
      expect(renderer.loaded).toBe(true);
      expect(first['VideoRenderer']).toMatchObject({ status: 'up' });
      expect(second['VideoRenderer']?.detail).toBe(first['VideoRenderer']?.detail);
    } finally {
      await t.close();
    }
  });
});
