import type { Result } from 'neverthrow';
import type { Stage } from '../domain/job.js';
import type { Storyboard } from '../domain/storyboard.js';
import type { VideoSpecProps } from '../domain/video-spec.js';

/** What ffprobe reported about a rendered MP4. */
export interface VideoProbe {
  readonly durationSeconds: number;
  readonly sizeBytes: number;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly videoCodec: string;
  readonly audioCodec: string | null;
  /** Overall bitrate in bits per second. */
  readonly bitrate: number;
}

/** Local files of a finished render; `dispose()` removes the render's working directory. */
export interface RenderedVideo {
  readonly videoPath: string;
  readonly thumbnailPath: string;
  readonly subtitlesPath: string;
  readonly probe: VideoProbe;
  /** Seconds spent in each stage. */
  readonly stageSeconds: Readonly<Partial<Record<Stage, number>>>;
  dispose(): Promise<void>;
}

/**
 * Local files of the uploads a spec names (`spec.assets`), fetched by the worker for one render
 * and removed by it afterwards. Images: PNG, JPEG, WebP or GIF (first frame); audio: MP3, WAV,
 * OGG (Vorbis/Opus), FLAC or AAC/M4A. A file the renderer cannot decode fails the render with a
 * non-retryable `RenderFailed`.
 */
export interface RenderAssets {
  /** Drawn in a corner of every card (contain-fit). */
  readonly logoPath?: string;
  /** Drawn under every card (cover-fit, darkened so text stays readable). */
  readonly backgroundPath?: string;
  /** Mixed under the narration (or alone without narration), looped or trimmed to the video length. */
  readonly musicPath?: string;
}

export interface RenderRequest {
  readonly jobId: string;
  readonly spec: VideoSpecProps;
  readonly storyboard: Storyboard;
  /** The spec's uploaded assets as local files; absent when the spec names none. */
  readonly assets?: RenderAssets;
}

export interface RenderProgress {
  readonly stage: Stage;
  /** Completion of this stage, 0–100. */
  readonly percent: number;
  readonly message?: string;
}

export interface RenderOptions {
  /** Aborting kills the render's child processes; the render then fails with `RenderCancelled`. */
  readonly signal: AbortSignal;
  readonly onProgress: (progress: RenderProgress) => void;
}

export type RenderError =
  | { readonly type: 'RenderCancelled' }
  | {
      readonly type: 'RenderFailed';
      readonly stage: Stage;
      readonly message: string;
      /** Whether another attempt could succeed (resource exhaustion, a killed child) or not (bad input). */
      readonly retryable: boolean;
    };

export interface RendererHealth {
  readonly ok: boolean;
  readonly ffmpeg: string;
  readonly ffprobe: string;
  readonly detail?: string;
}

/**
 * Turns a storyboard into an MP4, thumbnail and subtitles (DESIGN §4): narration, rendering,
 * composing and thumbnail stages. The FFmpeg adapter is one implementation; an external
 * pipeline can be another.
 */
export interface VideoRenderer {
  render(request: RenderRequest, options: RenderOptions): Promise<Result<RenderedVideo, RenderError>>;
  /** Checks that the binaries the renderer needs run. */
  check(): Promise<RendererHealth>;
}
