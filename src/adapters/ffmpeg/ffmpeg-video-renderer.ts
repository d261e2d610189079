import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { err, ok, type Result } from 'neverthrow';
import type { Stage } from '../../domain/job.js';
import type { Scene } from '../../domain/storyboard.js';
import { VideoSpec } from '../../domain/video-spec.js';
import type { Logger } from '../../ports/logger.js';
import type {
  RenderError,
  RenderOptions,
  RenderProgress,
  RenderRequest,
  RenderedVideo,
  RendererHealth,
  VideoRenderer,
} from '../../ports/video-renderer.js';
import { locateBinary, type BinaryLocation } from './binaries.js';
import { CanvasScenePainter } from './canvas-scene-painter.js';
import { composeArgs, thumbnailArgs } from './compose-command.js';
import { EspeakNarrator, type SpeechClip } from './espeak-narrator.js';
import { FfmpegProgressReader, progressPercent } from './ffmpeg-progress.js';
import { probeAudio, probeVideo } from './ffprobe.js';
import { describeFailure, lastLines, ProcessGroup, RETRYABLE_ERRNO } from './process-group.js';
import { loadSceneAssets, type SceneAssets } from './scene-assets.js';
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
  /** Speech synthesizer; default an {@link EspeakNarrator} running `espeak-child` in a child process. */
  readonly narrator?: EspeakNarrator;
}

type Failure = { readonly stage: Stage; readonly message: string; readonly retryable: boolean };

const SILENT_SAMPLE_RATE = 22_050;
/** How long the subtitles of a scene stay up after its narrator stops (seconds). */
const CUE_LINGER_SECONDS = 0.3;
const VERSION_TIMEOUT_MS = 5_000;

const silentLogger: RendererLogger = { info: () => {}, warn: () => {}, error: () => {} };

/**
 * The FFmpeg {@link VideoRenderer} (DESIGN §4). A render runs in its own temp directory under
 * `workRoot`:
 * 1. `narration`: espeak-ng speaks each scene in one child process (scene length follows speech);
 *    without narration a silent track is laid out from `estimatedSeconds`.
 * 2. `rendering` (overlapping narration): each scene painted once to a PNG with `@napi-rs/canvas`.
 * 3. `composing`: one ffmpeg run makes the MP4 (H.264 + AAC mono + `mov_text` subtitles, fades,
 *    `+faststart`); a WebVTT file is written beside it.
 * 4. `thumbnail`: a 640 px JPEG at 1 s; ffprobe fills the probe.
 *
 * Uploaded assets (`request.assets`): the background and logo images are decoded and scaled once
 * per render and drawn on every card (an undecodable image fails `rendering`, not retryable); the
 * music is checked with ffprobe while scenes are painted (an undecodable file fails `composing`,
 * not retryable) and mixed in the same single ffmpeg run (see `audioFilterGraph`).
 *
 * Aborting the signal SIGKILLs every child at once, deletes the directory and resolves
 * `RenderCancelled`. Expected failures resolve `RenderFailed`; nothing is thrown.
 * `stageSeconds` holds each stage's wall time (narration and rendering overlap).
 */
export class FfmpegVideoRenderer implements VideoRenderer {
  readonly #ffmpeg: BinaryLocation;
  readonly #ffprobe: BinaryLocation;
  readonly #workRoot: string;
  readonly #logger: RendererLogger;
  readonly #threads: number;
  readonly #narrator: EspeakNarrator;
  #painter: CanvasScenePainter | undefined;

  constructor(options: FfmpegVideoRendererOptions) {
    this.#logger = options.logger ?? silentLogger;
    const warn = (message: string): void => this.#logger.warn({ component: 'ffmpeg-renderer' }, message);
    this.#ffmpeg = locateBinary(options.ffmpegPath, '@ffmpeg-installer/ffmpeg', warn);
    this.#ffprobe = locateBinary(options.ffprobePath, '@ffprobe-installer/ffprobe', warn);
    this.#workRoot = options.workRoot;
    this.#threads = options.threads ?? 0;
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
    const report = (progress: RenderProgress): void => {
      if (halt.signal.aborted) return;
      try {
        options.onProgress(progress);
      } catch (error) {
        this.#logger.warn({ jobId: request.jobId, err: error }, 'onProgress threw');
      }
    };

    // Rendering progress waits until narration has finished, so stages are reported in order.
    let narrationOpen = spec.narration;
    const heldBack: RenderProgress[] = [];
    const reportRendering = (progress: RenderProgress): void => {
      if (narrationOpen) heldBack.push(progress);
      else report(progress);
    };
    let firstFailure: Failure | null = null;
    const fail = (failure: Failure): void => {
      firstFailure ??= failure;
      halt.abort();
    };

    const musicPath = request.assets?.musicPath ?? null;
    if (!spec.narration)
      report({
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
            void group.killAll();
            return failure;
          });
    const images = { logoPath: request.assets?.logoPath, backgroundPath: request.assets?.backgroundPath };
    const painting = this.#paintScenes(scenes, settings, images, dir, halt.signal, reportRendering).then(
      (result) => {
        stageSeconds.rendering = result.seconds;
        if (result.pngs.isErr()) {
          fail(result.pngs.error);
          void group.killAll();
        }
        return result.pngs;
      },
    );
    const narration = this.#narrate(request, dir, group, report).then((result) => {
      narrationOpen = false;
      if (!spec.narration) return result.clips;
      stageSeconds.narration = result.seconds;
      if (result.clips.isErr()) fail(result.clips.error);
      else {
        report({ stage: 'narration', percent: 100, message: result.message });
        for (const held of heldBack.splice(0)) report(held);
      }
      return result.clips;
    });
    const [pngs, clips, musicFailure] = await Promise.all([painting, narration, musicCheck]);
    if (firstFailure) return err(firstFailure);
    if (musicFailure) return err(musicFailure);
    if (pngs.isErr()) return err(pngs.error);
    if (clips.isErr()) return err(clips.error);
    if (halt.signal.aborted) return err({ stage: 'rendering', message: 'render stopped', retryable: true });

    const timeline = planTimeline(
      scenes,
      spec.narration ? clips.value.map((c) => c.seconds) : null,
      settings.fps,
    );

    // composing
    let started = performance.now();
    report({ stage: 'composing', percent: 0, message: `encoding ${timeline.totalSeconds.toFixed(1)} s` });
    const audio = layoutNarrationTrack(
      timeline,
      scenes.map((_, i) => clips.value[i]?.audio ?? null),
      clips.value.find((c) => c.audio)?.audio?.sampleRate ?? SILENT_SAMPLE_RATE,
    );
    if (!audio)
      return err({ stage: 'composing', message: 'speech clips have mixed formats', retryable: false });
    const audioPath = join(dir, 'narration.wav');
    const subtitlesPath = join(dir, 'subtitles.vtt');
    const videoPath = join(dir, 'video.mp4');
    const cues = buildSubtitleCues(subtitleWindows(scenes, timeline, spec.narration));
    // Without narration the music plays alone: no silent track is needed.
    const narrationTrack = !spec.narration && musicPath !== null ? null : audioPath;
    await Promise.all([
      narrationTrack === null ? Promise.resolve() : writeFile(audioPath, audio),
      writeFile(subtitlesPath, formatWebVtt(cues)),
    ]);
    const reader = new FfmpegProgressReader();
    let lastPercent = 0;
    const composed = await group.run(
      binaries.ffmpeg,
      composeArgs({
        scenePngs: pngs.value,
        audioWav: narrationTrack,
        music: musicPath,
        subtitlesVtt: cues.length > 0 ? subtitlesPath : null,
        output: videoPath,
        timeline,
        settings,
        threads: this.#threads,
      }),
      {
        onStdout: (chunk) => {
          for (const block of reader.push(chunk)) {
            const percent = progressPercent(block, timeline.totalSeconds);
            if (percent <= lastPercent || percent >= 100) continue;
            lastPercent = percent;
            report({
              stage: 'composing',
              percent,
              message: `${(block.outTimeSeconds ?? 0).toFixed(1)} s encoded`,
            });
          }
        },
      },
    );
    const composeFailure = describeFailure(composed, 'ffmpeg (compose)');
    if (composeFailure) return err({ stage: 'composing', ...composeFailure });
    stageSeconds.composing = secondsSince(started);
    report({ stage: 'composing', percent: 100 });

    // thumbnail (and ffprobe beside it)
    started = performance.now();
    report({ stage: 'thumbnail', percent: 0 });
    const thumbnailPath = join(dir, 'thumbnail.jpg');
    const at = Math.min(1, timeline.totalSeconds / 2);
    const [thumbnail, probe] = await Promise.all([
      group.run(binaries.ffmpeg, thumbnailArgs(videoPath, thumbnailPath, at), { timeoutMs: 30_000 }),
      probeVideo(group, binaries.ffprobe, videoPath),
    ]);
    const thumbnailFailure = describeFailure(thumbnail, 'ffmpeg (thumbnail)');
    if (thumbnailFailure) return err({ stage: 'thumbnail', ...thumbnailFailure });
    if ((await fileSize(thumbnailPath)) === 0)
      return err({ stage: 'thumbnail', message: 'ffmpeg wrote no thumbnail', retryable: false });
    if (probe.isErr()) return err({ stage: 'thumbnail', ...probe.error });
    stageSeconds.thumbnail = secondsSince(started);
    report({ stage: 'thumbnail', percent: 100 });

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
    report: (progress: RenderProgress) => void,
  ): Promise<{ clips: Result<SpeechClip[], Failure>; seconds: number; message: string }> {
    const started = performance.now();
    const { spec, storyboard } = request;
    if (!spec.narration) return { clips: ok([]), seconds: 0, message: 'narration off' };
    const total = storyboard.scenes.length;
    report({ stage: 'narration', percent: 0, message: `speaking ${total} scenes (${spec.voice})` });
    const result = await this.#narrator.synthesize(
      { texts: storyboard.scenes.map((s) => s.narration), voice: spec.voice, outDir: dir },
      group,
      (done) => {
        if (done < total)
          report({
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

  /** Paints each scene to `scene-<n>.png` (over the uploaded images, if any); stops early when `halt` fires. */
  async #paintScenes(
    scenes: readonly Scene[],
    size: { width: number; height: number },
    images: { logoPath: string | undefined; backgroundPath: string | undefined },
    dir: string,
    halt: AbortSignal,
    report: (progress: RenderProgress) => void,
  ): Promise<{ pngs: Result<string[], Failure>; seconds: number }> {
    const started = performance.now();
    report({
      stage: 'rendering',
      percent: 0,
      message: `painting ${scenes.length} scenes at ${size.width}x${size.height}`,
    });
    const paths: string[] = [];
    let assets: SceneAssets | undefined;
    if (images.logoPath !== undefined || images.backgroundPath !== undefined) {
      const loaded = await loadSceneAssets(images, size);
      if (loaded.isErr())
        return { pngs: err({ stage: 'rendering', ...loaded.error }), seconds: secondsSince(started) };
      assets = loaded.value;
    }
    try {
      this.#painter ??= new CanvasScenePainter();
      for (const scene of scenes) {
        if (halt.aborted) break;
        const png = await this.#painter.paint({
          scene,
          sceneNumber: scene.index + 1,
          sceneCount: scenes.length,
          width: size.width,
          height: size.height,
          ...(assets !== undefined ? { assets } : {}),
        });
        const path = join(dir, `scene-${String(scene.index).padStart(3, '0')}.png`);
        await writeFile(path, png);
        paths.push(path);
        report({ stage: 'rendering', percent: Math.floor((paths.length / scenes.length) * 100) });
      }
    } catch (error) {
      return { pngs: err(fsFailure('rendering', 'painting failed', error)), seconds: secondsSince(started) };
    }
    return { pngs: ok(paths), seconds: secondsSince(started) };
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

async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 20 }).catch(() => {});
}
