import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { err, ok, type Result } from 'neverthrow';
import type { Stage } from '../../domain/job.js';
import type { Scene } from '../../domain/storyboard.js';
import { VideoSpec } from '../../domain/video-spec.js';
import type { Logger } from '../../ports/logger.js';
import type {
  RenderError,
  RenderOptions,
  RenderRequest,
  RenderedVideo,
  RendererHealth,
  VideoRenderer,
} from '../../ports/video-renderer.js';
import { locateBinary, type BinaryLocation } from './binaries.js';
import type { Canvas } from '@napi-rs/canvas';
import { CanvasScenePainter, rgbaPixels, thumbnailJpeg } from './canvas-scene-painter.js';
import { composeArgs, sceneFrameBytes } from './compose-command.js';
import { EspeakNarrator, type SpeechClip } from './espeak-narrator.js';
import { FfmpegProgressReader, progressPercent } from './ffmpeg-progress.js';
import { probeAudio, probeVideo } from './ffprobe.js';
import { describeFailure, lastLines, ProcessGroup, RETRYABLE_ERRNO } from './process-group.js';
import { loadSceneAssets, type SceneAssets } from './scene-assets.js';
import { SceneFrameQueue } from './scene-frame-queue.js';
import { StageProgress } from './stage-progress.js';
import { planTimeline, type Timeline } from './timeline.js';
import { layoutNarrationTrack } from './wav.js';
import { buildSubtitleCues, formatWebVtt, type SubtitleWindow } from './webvtt.js';

/** The logging the renderer does (a pino logger fits). */
export type RendererLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

/** Options of {@link FfmpegVideoRenderer}. */
export interface FfmpegVideoRendererOptions {
  /** ffmpeg binary (config `FFMPEG_PATH`); default: the one from `@ffmpeg-installer/ffmpeg`. */
  readonly ffmpegPath?: string;
  /** ffprobe binary (config `FFPROBE_PATH`); default: the one from `@ffprobe-installer/ffprobe`. */
  readonly ffprobePath?: string;
  /** Directory under which each render gets its own temporary directory (created if missing). */
  readonly workRoot: string;
  readonly logger?: RendererLogger;
  /** x264 threads per render; default 0 (automatic: all cores). */
  readonly threads?: number;
  /**
   * Most bytes of raw scene frames painted ahead of the encoder (at least one frame is always
   * allowed); default {@link FRAMES_AHEAD_BYTES}. Painting runs this far ahead during narration
   * and stays this far ahead while ffmpeg encodes, so memory is bounded for any scene count.
   */
  readonly framesAheadBytes?: number;
  /** Speech synthesizer; default an {@link EspeakNarrator} running `espeak-child` in a child process. */
  readonly narrator?: EspeakNarrator;
}

type Failure = { readonly stage: Stage; readonly message: string; readonly retryable: boolean };

const SILENT_SAMPLE_RATE = 22_050;
/** How long the subtitles of a scene stay up after its narrator stops (seconds). */
const CUE_LINGER_SECONDS = 0.3;
const VERSION_TIMEOUT_MS = 5_000;
/**
 * Default of {@link FfmpegVideoRendererOptions.framesAheadBytes}: 64 MiB is 17 raw frames at
 * 720p, 8 at 1080p.
 */
export const FRAMES_AHEAD_BYTES = 64 * 1024 * 1024;

const silentLogger: RendererLogger = { info: () => {}, warn: () => {}, error: () => {} };

/**
 * The FFmpeg {@link VideoRenderer} (DESIGN §4). A render runs in its own temp directory under
 * `workRoot`:
 * 1. `narration`: espeak-ng speaks each scene in one child process (scene length follows speech);
 *    without narration scenes last their `estimatedSeconds` and the audio track is generated
 *    silence (no file, no loudness step).
 * 2. `rendering` (overlapping narration and composing): each scene is painted once with
 *    `@napi-rs/canvas` into a raw RGBA frame, at most `framesAheadBytes` ahead of the
 *    encoder, which reads the frames on its stdin (no PNG encode, decode or temp file). The
 *    first scene also becomes the thumbnail ({@link thumbnailJpeg}: a 640 px JPEG of the card),
 *    made off the event loop while ffmpeg encodes (no second ffmpeg run decoding the MP4).
 * 3. `composing`: one ffmpeg run makes the MP4 (H.264 + AAC mono + `mov_text` subtitles, fades,
 *    `+faststart`); a WebVTT file is written beside it. Without narration it starts at once, so
 *    its start-up overlaps the painting of the first scene.
 * 4. `thumbnail`: waits for the thumbnail file; ffprobe fills the probe from the MP4.
 *
 * Uploaded assets (`request.assets`): the background and logo images are decoded and scaled once
 * per render and drawn on every card (an undecodable image fails `rendering`, not retryable); the
 * music is checked with ffprobe beside the other work (an undecodable file fails `composing`,
 * not retryable, and stops the encode) and mixed in the same single ffmpeg run (see
 * `audioFilterGraph`).
 *
 * Progress is reported in stage order (see {@link StageProgress}): `rendering` reaches 100 when
 * every scene is painted or the encoder starts reporting, whichever is first; after that the
 * `composing` percent (encoded seconds) covers the scenes still being painted just ahead of it.
 *
 * Aborting the signal SIGKILLs every child at once, stops painting, deletes the directory and
 * resolves `RenderCancelled`. Expected failures resolve `RenderFailed`; nothing is thrown.
 * `stageSeconds` holds each stage's wall time, except `rendering`: the painter's busy time
 * (seconds inside the painter), as painting overlaps the other stages.
 */
export class FfmpegVideoRenderer implements VideoRenderer {
  readonly #ffmpeg: BinaryLocation;
  readonly #ffprobe: BinaryLocation;
  readonly #workRoot: string;
  readonly #logger: RendererLogger;
  readonly #threads: number;
  readonly #framesAheadBytes: number;
  readonly #narrator: EspeakNarrator;
  #painter: CanvasScenePainter | undefined;

  constructor(options: FfmpegVideoRendererOptions) {
    this.#logger = options.logger ?? silentLogger;
    const warn = (message: string): void => this.#logger.warn({ component: 'ffmpeg-renderer' }, message);
    this.#ffmpeg = locateBinary(options.ffmpegPath, '@ffmpeg-installer/ffmpeg', warn);
    this.#ffprobe = locateBinary(options.ffprobePath, '@ffprobe-installer/ffprobe', warn);
    this.#workRoot = options.workRoot;
    this.#threads = options.threads ?? 0;
    this.#framesAheadBytes = options.framesAheadBytes ?? FRAMES_AHEAD_BYTES;
    this.#narrator = options.narrator ?? new EspeakNarrator();
  }

  /** Renders the storyboard; see the class description for the stages. */
  async render(request: RenderRequest, options: RenderOptions): Promise<Result<RenderedVideo, RenderError>> {
    const { signal } = options;
    if (signal.aborted) return err({ type: 'RenderCancelled' });
    const invalid = validateRequest(request);
    if (invalid) return err({ type: 'RenderFailed', stage: 'rendering', message: invalid, retryable: false });
    if ('problem' in this.#ffmpeg || 'problem' in this.#ffprobe) {
      const problem =
        'problem' in this.#ffmpeg ? this.#ffmpeg.problem : (this.#ffprobe as { problem: string }).problem;
      return err({ type: 'RenderFailed', stage: 'composing', message: problem, retryable: false });
    }
    const binaries = { ffmpeg: this.#ffmpeg.path, ffprobe: this.#ffprobe.path };
    const firstStage: Stage = request.spec.narration ? 'narration' : 'rendering';

    let dir: string;
    try {
      await mkdir(this.#workRoot, { recursive: true });
      dir = await mkdtemp(join(this.#workRoot, `render-${safeName(request.jobId)}-`));
    } catch (error) {
      return err({
        type: 'RenderFailed',
        ...fsFailure(firstStage, 'cannot create the work directory', error),
      });
    }

    const group = new ProcessGroup();
    const halt = new AbortController();
    let onAbort = (): void => {};
    const cancelled = new Promise<'cancelled'>((resolve) => {
      onAbort = () => {
        halt.abort();
        void group.killAll();
        resolve('cancelled');
      };
    });
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort();

    const log = { jobId: request.jobId, dir };
    const pipeline = this.#pipeline(request, options, { dir, group, halt, binaries }).catch(
      (error: unknown): Result<RenderedVideo, Failure> => {
        this.#logger.error({ ...log, err: error }, 'render failed unexpectedly');
        return err(fsFailure(firstStage, 'unexpected error', error));
      },
    );
    const outcome = await Promise.race([pipeline, cancelled]);
    signal.removeEventListener('abort', onAbort);

    if (outcome === 'cancelled' || signal.aborted) {
      halt.abort();
      await group.killAll();
      await removeDir(dir);
      // Whatever the pipeline still writes before it notices is removed when it settles.
      void pipeline.then(() => removeDir(dir));
      this.#logger.info(log, 'render cancelled');
      return err({ type: 'RenderCancelled' });
    }
    if (outcome.isErr()) {
      halt.abort();
      await group.killAll();
      await removeDir(dir);
      this.#logger.warn({ ...log, ...outcome.error }, 'render failed');
      return err({ type: 'RenderFailed', ...outcome.error });
    }
    this.#logger.info(
      { ...log, stageSeconds: outcome.value.stageSeconds, probe: outcome.value.probe },
      'render finished',
    );
    return ok(outcome.value);
  }

  async #pipeline(
    request: RenderRequest,
    options: RenderOptions,
    run: {
      dir: string;
      group: ProcessGroup;
      halt: AbortController;
      binaries: { ffmpeg: string; ffprobe: string };
    },
  ): Promise<Result<RenderedVideo, Failure>> {
    const { spec, storyboard } = request;
    const { dir, group, halt, binaries } = run;
    const scenes = storyboard.scenes;
    const settings = VideoSpec.renderSettings(spec);
    const stageSeconds: Partial<Record<Stage, number>> = {};
    const progress = new StageProgress(
      (p) => {
        if (halt.signal.aborted) return;
        try {
          options.onProgress(p);
        } catch (error) {
          this.#logger.warn({ jobId: request.jobId, err: error }, 'onProgress threw');
        }
      },
      { holdRendering: spec.narration },
    );
    let firstFailure: Failure | null = null;
    const fail = (failure: Failure): void => {
      firstFailure ??= failure;
      halt.abort();
      void group.killAll();
    };

    const musicPath = request.assets?.musicPath ?? null;
    if (!spec.narration)
      progress.report({
        stage: 'narration',
        percent: 100,
        message: musicPath === null ? 'narration off: silent track' : 'narration off: music only',
      });
    const musicCheck =
      musicPath === null
        ? Promise.resolve(null)
        : probeAudio(group, binaries.ffprobe, musicPath).then((probe) => {
            if (probe.isOk()) return null;
            const failure: Failure = {
              stage: 'composing',
              message: `the music file cannot be used: ${probe.error.message}`,
              retryable: probe.error.retryable,
            };
            fail(failure);
            return failure;
          });

    // rendering: scenes are painted ahead of the encoder (during narration, if any), at most
    // `framesAheadBytes` of raw frames at a time; the first one also makes the thumbnail.
    const thumbnailPath = join(dir, 'thumbnail.jpg');
    let thumbnail: Promise<Failure | null> = Promise.resolve({
      stage: 'thumbnail',
      message: 'no scene was painted',
      retryable: false,
    });
    const painting = this.#startPainting(request, settings, halt.signal, progress, (canvas) => {
      thumbnail = writeThumbnail(canvas, thumbnailPath);
    });
    void painting.done.then((failure) => {
      if (failure !== null) fail(failure);
    });

    const narration = await this.#narrate(request, dir, group, progress);
    if (spec.narration) stageSeconds.narration = narration.seconds;
    if (narration.clips.isErr()) fail(narration.clips.error);
    if (firstFailure !== null) return err(firstFailure);
    if (halt.signal.aborted) return err({ stage: 'rendering', message: 'render stopped', retryable: true });
    const clips = narration.clips.isOk() ? narration.clips.value : [];
    if (spec.narration) progress.report({ stage: 'narration', percent: 100, message: narration.message });
    progress.narrationDone();

    const timeline = planTimeline(scenes, spec.narration ? clips.map((c) => c.seconds) : null, settings.fps);

    // composing (the painter keeps going while ffmpeg encodes)
    let started = performance.now();
    const audioPath = join(dir, 'narration.wav');
    const subtitlesPath = join(dir, 'subtitles.vtt');
    const videoPath = join(dir, 'video.mp4');
    const cues = buildSubtitleCues(subtitleWindows(scenes, timeline, spec.narration));
    let narrationTrack: string | null = null;
    if (spec.narration) {
      const audio = layoutNarrationTrack(
        timeline,
        scenes.map((_, i) => clips[i]?.audio ?? null),
        clips.find((c) => c.audio)?.audio?.sampleRate ?? SILENT_SAMPLE_RATE,
      );
      if (!audio)
        return err({ stage: 'composing', message: 'speech clips have mixed formats', retryable: false });
      narrationTrack = audioPath;
      await writeFile(audioPath, audio);
    }
    await writeFile(subtitlesPath, formatWebVtt(cues));
    const encoding = `encoding ${timeline.totalSeconds.toFixed(1)} s`;
    const paintedSoFar = (): string =>
      `${painting.queue.painted} of ${scenes.length} scenes painted; the rest are painted as the encoder takes them`;
    if (painting.queue.painted === scenes.length) progress.startComposing(encoding);
    const reader = new FfmpegProgressReader();
    const composed = await group.run(
      binaries.ffmpeg,
      composeArgs({
        audioWav: narrationTrack,
        music: musicPath,
        subtitlesVtt: cues.length > 0 ? subtitlesPath : null,
        output: videoPath,
        timeline,
        settings,
        threads: this.#threads,
      }),
      {
        stdin: painting.queue.frames(),
        onStdout: (chunk) => {
          for (const block of reader.push(chunk)) {
            const percent = progressPercent(block, timeline.totalSeconds);
            if (percent <= 0 || percent >= 100) continue;
            progress.startComposing(encoding, paintedSoFar());
            progress.report({
              stage: 'composing',
              percent,
              message: `${(block.outTimeSeconds ?? 0).toFixed(1)} s encoded`,
            });
          }
        },
      },
    );
    stageSeconds.rendering = painting.queue.busySeconds;
    if (firstFailure !== null) return err(firstFailure);
    const composeFailure = describeFailure(composed, 'ffmpeg (compose)');
    if (composeFailure) {
      const musicFailure = await musicCheck;
      return err(musicFailure ?? { stage: 'composing', ...composeFailure });
    }
    const musicFailure = await musicCheck;
    if (musicFailure) return err(musicFailure);
    if (painting.queue.painted !== scenes.length)
      return err({ stage: 'rendering', message: 'not every scene was painted', retryable: true });
    stageSeconds.composing = secondsSince(started);
    progress.startComposing(encoding);
    progress.report({ stage: 'composing', percent: 100 });

    // thumbnail (made from the first scene while encoding) and ffprobe
    started = performance.now();
    progress.report({ stage: 'thumbnail', percent: 0 });
    const [thumbnailFailure, probe] = await Promise.all([
      thumbnail,
      probeVideo(group, binaries.ffprobe, videoPath),
    ]);
    if (thumbnailFailure) return err(thumbnailFailure);
    if (probe.isErr()) return err({ stage: 'thumbnail', ...probe.error });
    stageSeconds.thumbnail = secondsSince(started);
    progress.report({ stage: 'thumbnail', percent: 100 });

    let disposed: Promise<void> | undefined;
    return ok({
      videoPath,
      thumbnailPath,
      subtitlesPath,
      probe: probe.value,
      stageSeconds,
      dispose: () => (disposed ??= removeDir(dir)),
    });
  }

  /** Speaks every scene, or reports the stage skipped when narration is off. */
  async #narrate(
    request: RenderRequest,
    dir: string,
    group: ProcessGroup,
    progress: StageProgress,
  ): Promise<{ clips: Result<SpeechClip[], Failure>; seconds: number; message: string }> {
    const started = performance.now();
    const { spec, storyboard } = request;
    if (!spec.narration) return { clips: ok([]), seconds: 0, message: 'narration off' };
    const total = storyboard.scenes.length;
    progress.report({ stage: 'narration', percent: 0, message: `speaking ${total} scenes (${spec.voice})` });
    const result = await this.#narrator.synthesize(
      { texts: storyboard.scenes.map((s) => s.narration), voice: spec.voice, outDir: dir },
      group,
      (done) => {
        if (done < total)
          progress.report({
            stage: 'narration',
            percent: Math.floor((done / total) * 100),
            message: `scene ${done}/${total}`,
          });
      },
    );
    const clips = result.mapErr((failure): Failure => ({ stage: 'narration', ...failure }));
    const speech = clips.isOk() ? clips.value.reduce((sum, c) => sum + c.seconds, 0) : 0;
    return { clips, seconds: secondsSince(started), message: `${speech.toFixed(1)} s of speech` };
  }

  /**
   * Starts painting the scenes (over the uploaded images, if any) into a {@link SceneFrameQueue}
   * of raw frames for the encoder's stdin, at most `framesAheadBytes` ahead of it.
   * `onFirstScene` gets the first scene's canvas (for the thumbnail). `done` resolves with the
   * failure that stopped painting (an undecodable image, a painter error), or `null`.
   */
  #startPainting(
    request: RenderRequest,
    size: { width: number; height: number },
    halt: AbortSignal,
    progress: StageProgress,
    onFirstScene: (canvas: Canvas) => void,
  ): { queue: SceneFrameQueue; done: Promise<Failure | null> } {
    const scenes = request.storyboard.scenes;
    const images = { logoPath: request.assets?.logoPath, backgroundPath: request.assets?.backgroundPath };
    let assets: SceneAssets | undefined;
    const queue = new SceneFrameQueue({
      count: scenes.length,
      maxAhead: Math.floor(this.#framesAheadBytes / sceneFrameBytes(size)),
      paint: (index) => {
        const scene = scenes[index];
        if (scene === undefined) throw new Error(`no scene ${index}`);
        this.#painter ??= new CanvasScenePainter();
        const canvas = this.#painter.paint({
          scene,
          sceneNumber: index + 1,
          sceneCount: scenes.length,
          width: size.width,
          height: size.height,
          ...(assets !== undefined ? { assets } : {}),
        });
        if (index === 0) onFirstScene(canvas);
        return rgbaPixels(canvas);
      },
      onPainted: (painted, count) =>
        progress.report({ stage: 'rendering', percent: Math.floor((painted / count) * 100) }),
    });
    const stop = (): void => queue.stop();
    halt.addEventListener('abort', stop, { once: true });
    if (halt.aborted) queue.stop();
    progress.report({
      stage: 'rendering',
      percent: 0,
      message: `painting ${scenes.length} scenes at ${size.width}x${size.height}`,
    });
    const done = (async (): Promise<Failure | null> => {
      try {
        if (images.logoPath !== undefined || images.backgroundPath !== undefined) {
          const loaded = await loadSceneAssets(images, size);
          if (loaded.isErr()) {
            queue.stop();
            return { stage: 'rendering', ...loaded.error };
          }
          assets = loaded.value;
        }
        await queue.start();
        return queue.failure === undefined ? null : fsFailure('rendering', 'painting failed', queue.failure);
      } finally {
        halt.removeEventListener('abort', stop);
      }
    })();
    return { queue, done };
  }

  /** Runs `ffmpeg -version` and `ffprobe -version` (5 s timeout each) and reports their first lines. */
  async check(): Promise<RendererHealth> {
    const group = new ProcessGroup();
    const version = async (
      binary: BinaryLocation,
      label: string,
    ): Promise<{ line: string; problem?: string }> => {
      if ('problem' in binary) return { line: 'unavailable', problem: binary.problem };
      const outcome = await group.run(binary.path, ['-version'], {
        collectStdout: true,
        timeoutMs: VERSION_TIMEOUT_MS,
      });
      const failure = describeFailure(outcome, label);
      if (failure || outcome.kind !== 'exited')
        return { line: 'unavailable', problem: failure?.message ?? label };
      return { line: lastLines(outcome.stdout.split('\n')[0] ?? '', 1) || 'unknown version' };
    };
    const [ffmpeg, ffprobe] = await Promise.all([
      version(this.#ffmpeg, 'ffmpeg'),
      version(this.#ffprobe, 'ffprobe'),
    ]);
    const problems = [ffmpeg.problem, ffprobe.problem].filter((p): p is string => p !== undefined);
    return {
      ok: problems.length === 0,
      ffmpeg: ffmpeg.line,
      ffprobe: ffprobe.line,
      ...(problems.length > 0 ? { detail: problems.join('; ') } : {}),
    };
  }
}

/** Subtitle windows: the speech of each scene (plus a short linger), or the scene itself when silent. */
function subtitleWindows(scenes: readonly Scene[], timeline: Timeline, narrated: boolean): SubtitleWindow[] {
  return timeline.slots.map((slot) => {
    const text = scenes[slot.index]?.narration ?? '';
    if (narrated && slot.speechSeconds > 0) {
      const end = Math.min(
        slot.endSeconds,
        slot.speechStartSeconds + slot.speechSeconds + CUE_LINGER_SECONDS,
      );
      return { text, startSeconds: slot.speechStartSeconds, endSeconds: end };
    }
    const inset = Math.min(0.25, (slot.endSeconds - slot.startSeconds) / 10);
    return { text, startSeconds: slot.startSeconds + inset, endSeconds: slot.endSeconds - inset };
  });
}

/** Why a request cannot be rendered (bad input, not retryable), or null. */
function validateRequest(request: RenderRequest): string | null {
  const scenes = request.storyboard.scenes;
  if (scenes.length === 0) return 'the storyboard has no scenes';
  if (scenes.length > 400) return `the storyboard has ${scenes.length} scenes (at most 400)`;
  if (scenes.some((s, i) => s.index !== i)) return 'scene indexes must be 0, 1, 2... in order';
  if (
    scenes.some(
      (s) => !Number.isFinite(s.estimatedSeconds) || s.estimatedSeconds <= 0 || s.estimatedSeconds > 600,
    )
  )
    return 'every scene needs estimatedSeconds between 0 and 600';
  return null;
}

function fsFailure(stage: Stage, what: string, error: unknown): Failure {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return {
    stage,
    message: `${what}: ${message}`,
    retryable: code !== undefined && RETRYABLE_ERRNO.has(code),
  };
}

const secondsSince = (started: number): number => Math.round(performance.now() - started) / 1000;

const safeName = (id: string): string => id.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40) || 'job';

/** Writes the thumbnail JPEG of the first scene; resolves with the failure, or `null`. */
async function writeThumbnail(canvas: Canvas, path: string): Promise<Failure | null> {
  try {
    await writeFile(path, await thumbnailJpeg(canvas));
    return null;
  } catch (error) {
    return fsFailure('thumbnail', 'cannot write the thumbnail', error);
  }
}

async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 20 }).catch(() => {});
}
