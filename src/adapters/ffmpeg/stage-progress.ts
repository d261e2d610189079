import { STAGES, type Stage } from '../../domain/job.js';
import type { RenderProgress } from '../../ports/video-renderer.js';

/**
 * Puts a render's progress reports in stage order for `onProgress`, although the work overlaps:
 * painting (`rendering`) runs during narration and keeps going while ffmpeg encodes
 * (`composing`). Rules:
 * - while narration runs, `rendering` reports are held back and replayed when it is done;
 * - a report for a stage earlier than the current one is dropped (the painter finishing scenes
 *   while the encoder already reports), as is a percent not above the stage's last one;
 * - {@link startComposing} closes `rendering` at 100 (its message says how many scenes were
 *   painted by then) and opens `composing` at 0.
 * So every stage appears in order, each once, with rising percents ending at 100.
 */
export class StageProgress {
  readonly #emit: (progress: RenderProgress) => void;
  #holding: boolean;
  readonly #held: RenderProgress[] = [];
  #stage: Stage | null = null;
  #percent = 0;

  /**
   * @param emit receives the reports in order
   * @param options.holdRendering hold `rendering` reports back until {@link narrationDone}
   */
  constructor(emit: (progress: RenderProgress) => void, options: { holdRendering: boolean }) {
    this.#emit = emit;
    this.#holding = options.holdRendering;
  }

  /** The stage reported last (`null` before the first report). */
  get stage(): Stage | null {
    return this.#stage;
  }

  report(progress: RenderProgress): void {
    if (progress.stage === 'rendering' && this.#holding) {
      this.#held.push(progress);
      return;
    }
    if (this.#stage !== null) {
      const order = STAGES.indexOf(progress.stage) - STAGES.indexOf(this.#stage);
      if (order < 0 || (order === 0 && progress.percent <= this.#percent)) return;
    }
    this.#stage = progress.stage;
    this.#percent = progress.percent;
    this.#emit(progress);
  }

  /** Narration has finished (or was off): replays the held `rendering` reports. */
  narrationDone(): void {
    this.#holding = false;
    for (const held of this.#held.splice(0)) this.report(held);
  }

  /**
   * Moves on to `composing` unless already there: `rendering` at 100 (with `renderingMessage`,
   * if it was not at 100 yet), then `composing` at 0 with `message`.
   */
  startComposing(message: string, renderingMessage?: string): void {
    if (this.#stage !== null && STAGES.indexOf(this.#stage) >= STAGES.indexOf('composing')) return;
    this.narrationDone();
    this.report({
      stage: 'rendering',
      percent: 100,
      ...(renderingMessage === undefined ? {} : { message: renderingMessage }),
    });
    this.report({ stage: 'composing', percent: 0, message });
  }
}
