import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { STAGES } from '../../../src/domain/job.js';
import { FfmpegVideoRenderer } from '../../../src/adapters/ffmpeg/ffmpeg-video-renderer.js';
import { planTimeline } from '../../../src/adapters/ffmpeg/timeline.js';
import { parseWav, pcmSeconds } from '../../../src/adapters/ffmpeg/wav.js';
import type { RenderProgress } from '../../../src/ports/video-renderer.js';
import {
  ffprobe,
  freshWorkRoot,
  LONG_CONTEXT,
  makeRequest,
  processesMentioning,
  progressLog,
  removeWorkRoots,
  SHORT_CONTEXT,
} from './ffmpeg-test-support.js';

const live = (): AbortSignal => new AbortController().signal;

/** Stages in the order reported, each once, and every stage ending at 100. */
function expectOrderedProgress(events: readonly RenderProgress[], expected: readonly string[]): void {
  const order = events.map((e) => e.stage).filter((s, i, all) => all.indexOf(s) === i);
  expect(order).toEqual(expected);
  for (const stage of expected) {
    const percents = events.filter((e) => e.stage === stage).map((e) => e.percent);
    expect(percents.at(-1)).toBe(100);
    expect([...percents].sort((a, b) => a - b)).toEqual(percents);
  }
  const ranks = events.map((e) => STAGES.indexOf(e.stage));
  expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
}

describe('FfmpegVideoRenderer', () => {
  afterAll(removeWorkRoots);

  it('renders a narrated preview: h264 + aac + mov_text, sized, timed, with thumbnail and WebVTT', async () => {
    const workRoot = freshWorkRoot();
    const renderer = new FfmpegVideoRenderer({ workRoot });
    const request = makeRequest({ context: SHORT_CONTEXT, quality: 'preview', narration: true });
    const { events, onProgress } = progressLog();

    const result = await renderer.render(request, { signal: live(), onProgress });

    expect(result.isOk(), JSON.stringify(result.isErr() ? result.error : null)).toBe(true);
    const video = result._unsafeUnwrap();
    const probe = ffprobe(video.videoPath);
    const byType = (t: string) => probe.streams.filter((s) => s.codec_type === t);
    expect(byType('video').map((s) => s.codec_name)).toEqual(['h264']);
    expect(byType('audio').map((s) => s.codec_name)).toEqual(['aac']);
    expect(byType('subtitle').map((s) => s.codec_name)).toEqual(['mov_text']);
    expect(byType('video')[0]).toMatchObject({ width: 640, height: 360 });

    // Scene lengths follow speech: rebuild them from the speech clips the narrator wrote.
    const dir = dirname(video.videoPath);
    const speech = request.storyboard.scenes.map((s) => {
      const wav = parseWav(readFileSync(join(dir, `speech-${s.index}.wav`)));
      return wav ? pcmSeconds(wav) : 0;
    });
    expect(speech.every((s) => s > 0.3)).toBe(true);
    const expected = planTimeline(request.storyboard.scenes, speech, 15).totalSeconds;
    expect(Math.abs(Number(probe.format.duration) - expected)).toBeLessThan(0.15);
    const [v, a] = [byType('video')[0]!, byType('audio')[0]!];
    expect(Math.abs(Number(v.duration) - Number(a.duration))).toBeLessThan(0.1);
    expect(video.probe).toMatchObject({
      width: 640,
      height: 360,
      fps: 15,
      videoCodec: 'h264',
      audioCodec: 'aac',
    });
    expect(video.probe.durationSeconds).toBeCloseTo(Number(probe.format.duration), 2);
    expect(video.probe.sizeBytes).toBeGreaterThan(10_000);
    expect(video.probe.bitrate).toBeGreaterThan(0);

    const jpeg = await readFile(video.thumbnailPath);
    expect([...jpeg.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    const vtt = await readFile(video.subtitlesPath, 'utf8');
    expect(vtt.startsWith('WEBVTT')).toBe(true);
    expect(vtt.replace(/\s+/g, ' ')).toContain('The longest side is called the hypotenuse.');

    expectOrderedProgress(events, ['narration', 'rendering', 'composing', 'thumbnail']);
    for (const stage of ['narration', 'rendering', 'composing', 'thumbnail'] as const)
      expect(video.stageSeconds[stage]).toBeGreaterThan(0);

    await video.dispose();
    await video.dispose();
    expect(existsSync(dir)).toBe(false);
  }, 60_000);

  it('without narration keeps a silent aac track and times scenes by estimatedSeconds', async () => {
    const workRoot = freshWorkRoot();
    const renderer = new FfmpegVideoRenderer({ workRoot });
    const request = makeRequest({ context: SHORT_CONTEXT, quality: 'preview', narration: false });
    const { events, onProgress } = progressLog();

    const video = (await renderer.render(request, { signal: live(), onProgress }))._unsafeUnwrap();

    const probe = ffprobe(video.videoPath);
    expect(probe.streams.filter((s) => s.codec_type === 'audio').map((s) => s.codec_name)).toEqual(['aac']);
    const planned = request.storyboard.scenes.reduce((sum, s) => sum + s.estimatedSeconds, 0);
    expect(Math.abs(Number(probe.format.duration) - planned)).toBeLessThan(0.2);
    const timeline = planTimeline(request.storyboard.scenes, null, 15);
    expect(Number(probe.streams.find((s) => s.codec_type === 'video')?.nb_frames)).toBe(timeline.totalFrames);
    expect(existsSync(join(dirname(video.videoPath), 'speech-0.wav'))).toBe(false);
    expect(events[0]).toMatchObject({ stage: 'narration', percent: 100 });
    expect(video.stageSeconds.narration).toBeUndefined();
    await video.dispose();
  }, 60_000);

  it('streams many scenes with one frame painted ahead: every frame encoded, progress in order', async () => {
    const workRoot = freshWorkRoot();
    // One frame ahead at most: the painter waits for the encoder after every scene.
    const renderer = new FfmpegVideoRenderer({ workRoot, framesAheadBytes: 1 });
    const request = makeRequest({
      context: LONG_CONTEXT,
      quality: 'preview',
      narration: false,
      maxDurationSeconds: 300,
    });
    const { events, onProgress } = progressLog();

    const video = (await renderer.render(request, { signal: live(), onProgress }))._unsafeUnwrap();

    expect(request.storyboard.scenes.length).toBeGreaterThan(4);
    const timeline = planTimeline(request.storyboard.scenes, null, 15);
    const stream = ffprobe(video.videoPath).streams.find((s) => s.codec_type === 'video');
    expect(Number(stream?.nb_frames)).toBe(timeline.totalFrames);
    expect(video.probe.durationSeconds).toBeCloseTo(timeline.totalSeconds, 1);
    expectOrderedProgress(events, ['narration', 'rendering', 'composing', 'thumbnail']);
    await video.dispose();
  }, 120_000);

  it('renders 9:16 as a portrait frame', async () => {
    const renderer = new FfmpegVideoRenderer({ workRoot: freshWorkRoot() });
    const request = makeRequest({
      context: SHORT_CONTEXT,
      quality: 'preview',
      aspectRatio: '9:16',
      narration: false,
    });

    const video = (await renderer.render(request, { signal: live(), onProgress: () => {} }))._unsafeUnwrap();

    expect(video.probe).toMatchObject({ width: 360, height: 640 });
    const stream = ffprobe(video.videoPath).streams.find((s) => s.codec_type === 'video');
    expect(stream).toMatchObject({ width: 360, height: 640 });
    await video.dispose();
  }, 60_000);

  it('cancels mid-encode within 1 s: ffmpeg killed, temp dir gone', async () => {
    const workRoot = freshWorkRoot();
    const renderer = new FfmpegVideoRenderer({ workRoot });
    const request = makeRequest({
      context: LONG_CONTEXT,
      quality: 'medium',
      narration: false,
      maxDurationSeconds: 300,
    });
    const controller = new AbortController();
    let runningAtAbort: number[] = [];
    let abortedAt = 0;

    const result = await renderer.render(request, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.stage === 'composing' && p.percent > 0 && abortedAt === 0) {
          runningAtAbort = processesMentioning(workRoot);
          abortedAt = performance.now();
          controller.abort();
        }
      },
    });

    expect(abortedAt).toBeGreaterThan(0);
    expect(performance.now() - abortedAt).toBeLessThan(1000);
    expect(result._unsafeUnwrapErr()).toEqual({ type: 'RenderCancelled' });
    expect(runningAtAbort.length).toBeGreaterThan(0);
    expect(processesMentioning(workRoot)).toEqual([]);
    for (const pid of runningAtAbort) expect(() => process.kill(pid, 0)).toThrow();
    expect(await readdir(workRoot)).toEqual([]);
  }, 60_000);

  it('cancels during speech synthesis: the espeak child is killed', async () => {
    const workRoot = freshWorkRoot();
    const renderer = new FfmpegVideoRenderer({ workRoot });
    const request = makeRequest({ context: LONG_CONTEXT, quality: 'preview', narration: true });
    const controller = new AbortController();
    let runningAtAbort: number[] = [];
    let abortedAt = 0;

    const result = await renderer.render(request, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.stage === 'narration' && p.percent > 0 && abortedAt === 0) {
          runningAtAbort = processesMentioning(workRoot);
          abortedAt = performance.now();
          controller.abort();
        }
      },
    });

    expect(result._unsafeUnwrapErr()).toEqual({ type: 'RenderCancelled' });
    expect(performance.now() - abortedAt).toBeLessThan(1000);
    expect(runningAtAbort.length).toBe(1);
    expect(processesMentioning(workRoot)).toEqual([]);
    expect(await readdir(workRoot)).toEqual([]);
  }, 60_000);

  it('returns at once when the signal is already aborted', async () => {
    const workRoot = freshWorkRoot();
    const renderer = new FfmpegVideoRenderer({ workRoot });
    const started = performance.now();

    const result = await renderer.render(makeRequest({ context: SHORT_CONTEXT, quality: 'preview' }), {
      signal: AbortSignal.abort(),
      onProgress: () => {},
    });

    expect(result._unsafeUnwrapErr()).toEqual({ type: 'RenderCancelled' });
    expect(performance.now() - started).toBeLessThan(50);
    expect(readdirSync(workRoot)).toEqual([]);
  });

  it('fails with RenderFailed (not retryable) when the ffmpeg binary does not exist', async () => {
    const workRoot = freshWorkRoot();
    const renderer = new FfmpegVideoRenderer({ workRoot, ffmpegPath: join(workRoot, 'no-such-ffmpeg') });
    const request = makeRequest({ context: SHORT_CONTEXT, quality: 'preview', narration: false });

    const result = await renderer.render(request, { signal: live(), onProgress: () => {} });

    const error = result._unsafeUnwrapErr();
    expect(error).toMatchObject({ type: 'RenderFailed', stage: 'composing', retryable: false });
    expect(error.type === 'RenderFailed' && error.message).toMatch(/ENOENT/);
    expect(readdirSync(workRoot).filter((f) => f.startsWith('render-'))).toEqual([]);
  }, 60_000);

  it('reports the stderr tail of a failing ffmpeg, and a killed one as retryable', async () => {
    const workRoot = freshWorkRoot();
    const broken = join(workRoot, 'broken-ffmpeg.sh');
    writeFileSync(broken, '#!/bin/sh\necho "first line" >&2\necho "boom: Invalid data found" >&2\nexit 1\n', {
      mode: 0o755,
    });
    const killed = join(workRoot, 'killed-ffmpeg.sh');
    writeFileSync(killed, '#!/bin/sh\nkill -9 $$\n', { mode: 0o755 });
    const request = makeRequest({ context: SHORT_CONTEXT, quality: 'preview', narration: false });

    const failed = await new FfmpegVideoRenderer({ workRoot, ffmpegPath: broken }).render(request, {
      signal: live(),
      onProgress: () => {},
    });
    const crashed = await new FfmpegVideoRenderer({ workRoot, ffmpegPath: killed }).render(request, {
      signal: live(),
      onProgress: () => {},
    });

    const error = failed._unsafeUnwrapErr();
    expect(error).toMatchObject({ type: 'RenderFailed', stage: 'composing', retryable: false });
    expect(error.type === 'RenderFailed' && error.message).toMatch(
      /exited with code 1.*boom: Invalid data found/,
    );
    expect(crashed._unsafeUnwrapErr()).toMatchObject({
      type: 'RenderFailed',
      stage: 'composing',
      retryable: true,
    });
    expect(readdirSync(workRoot).filter((f) => f.startsWith('render-'))).toEqual([]);
  }, 60_000);

  it('fails narration with an unknown voice, not retryable', async () => {
    const workRoot = freshWorkRoot();
    const request = makeRequest({
      context: SHORT_CONTEXT,
      quality: 'preview',
      narration: true,
      voice: 'zz-nope',
    });

    const result = await new FfmpegVideoRenderer({ workRoot }).render(request, {
      signal: live(),
      onProgress: () => {},
    });

    const error = result._unsafeUnwrapErr();
    expect(error).toMatchObject({ type: 'RenderFailed', stage: 'narration', retryable: false });
    expect(error.type === 'RenderFailed' && error.message).toMatch(/voice does not exist/);
    expect(readdirSync(workRoot)).toEqual([]);
  }, 60_000);

  it('check() reports the ffmpeg and ffprobe versions, or what is missing', async () => {
    const healthy = await new FfmpegVideoRenderer({ workRoot: freshWorkRoot() }).check();
    expect(healthy.ok).toBe(true);
    expect(healthy.ffmpeg).toMatch(/^ffmpeg version /);
    expect(healthy.ffprobe).toMatch(/^ffprobe version /);

    const broken = await new FfmpegVideoRenderer({
      workRoot: freshWorkRoot(),
      ffprobePath: '/no/ffprobe',
    }).check();
    expect(broken).toMatchObject({ ok: false, ffprobe: 'unavailable' });
    expect(broken.detail).toMatch(/ENOENT/);
  }, 20_000);
});
