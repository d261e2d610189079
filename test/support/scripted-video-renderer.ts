import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { err, ok, type Result } from 'neverthrow';
import type { Stage } from '../../src/domain/job.js';
import { VideoSpec } from '../../src/domain/video-spec.js';
import type {
  RenderedVideo,
  RendererHealth,
  RenderError,
  RenderOptions,
  RenderProgress,
  RenderRequest,
  VideoProbe,
  VideoRenderer,
} from '../../src/ports/video-renderer.js';

/** The stages a renderer reports, in order (planning and uploading belong to the worker). */
export const RENDER_STAGES = [
  'narration',
  'rendering',
  'composing',
  'thumbnail',
] as const satisfies readonly Stage[];
export type RenderStage = (typeof RENDER_STAGES)[number];

/** Called at a stage (after its 0 % report), to let a test act while the render runs. */
export type StageHook = (stage: RenderStage, request: RenderRequest) => void | Promise<void>;

interface ScriptBase {
  /** Real milliseconds spent in each stage (default 0: one event-loop turn). */
  readonly stageDelayMs?: number;
  /** Called at each stage the render reaches. */
  readonly onStage?: StageHook;
}

/** What one `render()` call does. */
export type RenderScript =
  | (ScriptBase & {
      readonly kind: 'succeed';
      /** Bytes of the MP4 written (default: a few bytes naming the job). */
      readonly video?: Buffer;
      /** Called after the last stage, just before returning the files. */
      readonly beforeReturn?: (request: RenderRequest) => void | Promise<void>;
    })
  | (ScriptBase & {
      readonly kind: 'fail';
      readonly stage: RenderStage;
      readonly retryable: boolean;
      readonly message?: string;
    })
  | (ScriptBase & {
      readonly kind: 'hang';
      /** Stage at which the render stops making progress (default `composing`). */
      readonly stage?: RenderStage;
      /**
       * Safety net: after this many ms without an abort the render gives up with a permanent
       * `RenderFailed` (message `gave up waiting for an abort`), so a broken test fails instead of hanging.
       */
      readonly giveUpAfterMs?: number;
    });

/** What a successful render wrote, for assertions on stored bytes. */
export interface RenderOutput {
  readonly jobId: string;
  readonly dir: string;
  readonly video: Buffer;
  readonly thumbnail: Buffer;
  readonly subtitles: Buffer;
  readonly probe: VideoProbe;
}

/** The outcome of one render call, as the renderer returned it. */
export type RenderEnding = 'succeeded' | 'failed' | 'cancelled' | 'gave-up';

/** A JPEG start-of-image marker and a few bytes: enough to be recognisable, not a real image. */
const THUMBNAIL_BYTES = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0xff, 0xd9]);

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * A `VideoRenderer` whose behaviour each test scripts: succeed (real small files in a temp
 * directory, a plausible probe), fail with `RenderFailed` at a stage, or hang until aborted
 * (then `RenderCancelled`). It reports progress for each stage it goes through (0, 50 and 100 %),
 * waiting for each report to be handled, and honours the `AbortSignal` between reports.
 *
 * Scripts are consumed in order by successive `render()` calls; when none is left, `fallback`
 * (default `succeed`) is used. It records the requests it got and what it wrote.
 */
export class ScriptedVideoRenderer implements VideoRenderer {
  /** Every request received, in order. */
  readonly requests: RenderRequest[] = [];
  /** What each successful render wrote. */
  readonly outputs: RenderOutput[] = [];
  /** How each render ended, in call order. */
  readonly endings: RenderEnding[] = [];
  /** Every work directory made (removed by `dispose()` of its result or on failure). */
  readonly workDirs: string[] = [];
  /** Most renders in flight at once. */
  maxConcurrent = 0;

  private readonly scripts: RenderScript[] = [];
  private inFlight = 0;
  private waiters: Array<{ count: number; resolve: (request: RenderRequest) => void }> = [];

  constructor(private readonly fallback: RenderScript = { kind: 'succeed' }) {}

  /** Queues scripts for the next `render()` calls. @returns this, for chaining. */
  script(...scripts: RenderScript[]): this {
    this.scripts.push(...scripts);
    return this;
  }

  /** Renders in flight now. */
  get running(): number {
    return this.inFlight;
  }

  /** Resolves with the `n`-th request (1-based) once that render has started (at once if it has). */
  started(n = this.requests.length + 1): Promise<RenderRequest> {
    const request = this.requests[n - 1];
    if (request !== undefined) return Promise.resolve(request);
    return new Promise((resolve) => this.waiters.push({ count: n, resolve }));
  }

  /** Work directories that still exist on disk (a finished job must leave none). */
  leftoverWorkDirs(): string[] {
    return this.workDirs.filter((dir) => existsSync(dir));
  }

  async check(): Promise<RendererHealth> {
    return { ok: true, ffmpeg: 'scripted', ffprobe: 'scripted' };
  }

  async render(request: RenderRequest, options: RenderOptions): Promise<Result<RenderedVideo, RenderError>> {
    const script = this.scripts.shift() ?? this.fallback;
    this.requests.push(request);
    const now = this.requests.length;
    for (const w of this.waiters.filter((x) => x.count === now)) w.resolve(request);
    this.waiters = this.waiters.filter((x) => x.count !== now);
    this.inFlight += 1;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.inFlight);
    try {
      const result = await this.run(script, request, options);
      this.endings.push(
        result.isOk()
          ? 'succeeded'
          : result.error.type === 'RenderCancelled'
            ? 'cancelled'
            : result.error.message === GAVE_UP
              ? 'gave-up'
              : 'failed',
      );
      return result;
    } finally {
      this.inFlight -= 1;
    }
  }

  private async run(
    script: RenderScript,
    request: RenderRequest,
    options: RenderOptions,
  ): Promise<Result<RenderedVideo, RenderError>> {
    const { signal } = options;
    const cancelled = err<RenderedVideo, RenderError>({ type: 'RenderCancelled' });
    if (signal.aborted) return cancelled;
    const last: RenderStage = script.kind === 'succeed' ? 'thumbnail' : (script.stage ?? 'composing');

    for (const stage of RENDER_STAGES) {
      await this.report(options, { stage, percent: 0, message: `Scripted ${stage} started` });
      if (signal.aborted) return cancelled;
      await script.onStage?.(stage, request);
      if (signal.aborted) return cancelled;
      if (stage === last && script.kind === 'fail') {
        return err({
          type: 'RenderFailed',
          stage,
          message: script.message ?? `scripted failure in ${stage}`,
          retryable: script.retryable,
        });
      }
      if (stage === last && script.kind === 'hang') return this.hang(signal, script.giveUpAfterMs);
      if (script.stageDelayMs !== undefined && script.stageDelayMs > 0) {
        await abortableDelay(script.stageDelayMs, signal);
        if (signal.aborted) return cancelled;
      }
      await this.report(options, { stage, percent: 50 });
      if (signal.aborted) return cancelled;
      await this.report(options, { stage, percent: 100 });
      if (signal.aborted) return cancelled;
      if (stage === last) break;
    }
    if (script.kind !== 'succeed') throw new Error('unreachable: a failing script ends at its stage');
    return this.writeFiles(script, request, signal);
  }

  private async writeFiles(
    script: Extract<RenderScript, { kind: 'succeed' }>,
    request: RenderRequest,
    signal: AbortSignal,
  ): Promise<Result<RenderedVideo, RenderError>> {
    const dir = await mkdtemp(join(tmpdir(), 'framecast-scripted-render-'));
    this.workDirs.push(dir);
    const video =
      script.video ?? Buffer.from(`\u0000\u0000\u0000\u0018ftypmp42 scripted video of ${request.jobId}`);
    const subtitles = Buffer.from(`WEBVTT\n\n00:00.000 --> 00:04.000\n${request.storyboard.title}\n`);
    const paths = {
      videoPath: join(dir, 'video.mp4'),
      thumbnailPath: join(dir, 'thumbnail.jpg'),
      subtitlesPath: join(dir, 'subtitles.vtt'),
    };
    await writeFile(paths.videoPath, video);
    await writeFile(paths.thumbnailPath, THUMBNAIL_BYTES);
    await writeFile(paths.subtitlesPath, subtitles);
    const settings = VideoSpec.renderSettings(request.spec);
    const durationSeconds = Math.max(
      5,
      Math.min(request.spec.maxDurationSeconds, request.storyboard.estimatedSeconds),
    );
    const probe: VideoProbe = {
      durationSeconds,
      sizeBytes: video.length,
      width: settings.width,
      height: settings.height,
      fps: settings.fps,
      videoCodec: 'h264',
      audioCodec: request.spec.narration ? 'aac' : null,
      bitrate: Math.round((video.length * 8) / durationSeconds),
    };
    this.outputs.push({ jobId: request.jobId, dir, video, thumbnail: THUMBNAIL_BYTES, subtitles, probe });
    await script.beforeReturn?.(request);
    if (signal.aborted) {
      await rm(dir, { recursive: true, force: true });
      return err({ type: 'RenderCancelled' });
    }
    return ok({
      ...paths,
      probe,
      stageSeconds: { narration: 0.5, rendering: 0.25, composing: 1, thumbnail: 0.125 },
      dispose: () => rm(dir, { recursive: true, force: true }),
    });
  }

  /** Waits for the signal (then `RenderCancelled`), or gives up after `giveUpAfterMs`. */
  private hang(
    signal: AbortSignal,
    giveUpAfterMs: number | undefined,
  ): Promise<Result<RenderedVideo, RenderError>> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const onAbort = (): void => {
        clearTimeout(timer);
        resolve(err({ type: 'RenderCancelled' }));
      };
      if (giveUpAfterMs !== undefined)
        timer = setTimeout(() => {
          signal.removeEventListener('abort', onAbort);
          resolve(err({ type: 'RenderFailed', stage: 'composing', message: GAVE_UP, retryable: false }));
        }, giveUpAfterMs);
      signal.addEventListener('abort', onAbort, { once: true });
      if (signal.aborted) onAbort();
    });
  }

  /** Reports progress and waits until the report is handled (when the callback returns a promise). */
  private async report(options: RenderOptions, progress: RenderProgress): Promise<void> {
    const handled: unknown = options.onProgress(progress);
    if (handled instanceof Promise) await handled;
    await tick();
  }
}

const GAVE_UP = 'gave up waiting for an abort';

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
