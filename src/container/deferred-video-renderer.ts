import { err, type Result } from 'neverthrow';
import type {
  RenderError,
  RenderOptions,
  RenderRequest,
  RenderedVideo,
  RendererHealth,
  VideoRenderer,
} from '../ports/video-renderer.js';

/**
 * A {@link VideoRenderer} whose implementation is loaded on first use: the composition root
 * gives it a `load` function that imports the FFmpeg adapter (and with it @napi-rs/canvas and
 * the narrator: about 30 MB RSS and 100–250 ms of CPU). A process that runs the worker calls
 * {@link DeferredVideoRenderer.load} while starting, so a broken install still fails start-up;
 * elsewhere the first check loads it (`src/main.ts` begins the health checks while it builds the
 * app), and a process never checked never loads it.
 *
 * `load` runs at most once at a time; a failed load is retried on the next call.
 */
export class DeferredVideoRenderer implements VideoRenderer {
  readonly #load: () => Promise<VideoRenderer>;
  #loading: Promise<VideoRenderer> | null = null;

  constructor(load: () => Promise<VideoRenderer>) {
    this.#load = load;
  }

  /**
   * Loads the implementation now (idempotent).
   * @throws whatever `load` throws (e.g. a native module that cannot be loaded).
   */
  load(): Promise<VideoRenderer> {
    this.#loading ??= this.#load().catch((error: unknown) => {
      this.#loading = null;
      throw error;
    });
    return this.#loading;
  }

  /** Whether the implementation has been asked for (loaded or loading). */
  get loaded(): boolean {
    return this.#loading !== null;
  }

  /** Loads the implementation, then renders. A failed load is a non-retryable `RenderFailed`. */
  async render(request: RenderRequest, options: RenderOptions): Promise<Result<RenderedVideo, RenderError>> {
    let renderer: VideoRenderer;
    try {
      renderer = await this.load();
    } catch (error) {
      return err({ type: 'RenderFailed', stage: 'rendering', message: loadFailure(error), retryable: false });
    }
    return renderer.render(request, options);
  }

  /** Loads the implementation, then checks its binaries. A failed load reports `ok: false` with the reason. */
  async check(): Promise<RendererHealth> {
    try {
      return await (await this.load()).check();
    } catch (error) {
      return { ok: false, ffmpeg: 'unavailable', ffprobe: 'unavailable', detail: loadFailure(error) };
    }
  }
}

const loadFailure = (error: unknown): string =>
  `the renderer could not be loaded: ${error instanceof Error ? error.message : String(error)}`;
