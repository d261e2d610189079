import { setImmediate as nextTurn } from 'node:timers/promises';

/** Why {@link SceneFrameQueue.frames} stopped before the last frame. */
export class SceneFramesStopped extends Error {
  constructor(
    readonly delivered: number,
    readonly count: number,
    cause?: unknown,
  ) {
    super(`scene painting stopped after ${delivered} of ${count} frames`, { cause });
    this.name = 'SceneFramesStopped';
  }
}

/** Options of {@link SceneFrameQueue}. */
export interface SceneFrameQueueOptions {
  /** How many frames (scenes) there are. */
  readonly count: number;
  /** Paints scene `index` and returns its raw frame; may throw (the queue then fails). */
  readonly paint: (index: number) => Buffer;
  /** Most painted frames held before the consumer takes them (at least 1). */
  readonly maxAhead: number;
  /** Called after each painted frame with how many are painted so far. */
  readonly onPainted?: (painted: number, count: number) => void;
}

/**
 * Paints scene frames in order ahead of one consumer (the encoder's stdin), holding at most
 * `maxAhead` painted frames that the consumer has not taken, so memory stays bounded (a raw 720p
 * RGBA frame is 3.7 MB) however many scenes there are. The painter yields to the event loop
 * between scenes, so a long storyboard does not starve I/O.
 *
 * {@link start} runs the painter; {@link frames} is the consumer's side. Either side can end it:
 * {@link stop} (cancellation, another stage's failure) or a `paint` that throws. Then `frames()`
 * throws {@link SceneFramesStopped} instead of ending, so a consumer never mistakes a cut-short
 * sequence for a complete one.
 */
export class SceneFrameQueue {
  readonly #options: SceneFrameQueueOptions;
  readonly #ready: Buffer[] = [];
  #painted = 0;
  #delivered = 0;
  #stopped = false;
  #failure: unknown = undefined;
  #busyMs = 0;
  /** Wakes the painter (room in the queue) or the consumer (a frame, or the end). */
  #wakePainter: (() => void) | null = null;
  #wakeConsumer: (() => void) | null = null;

  constructor(options: SceneFrameQueueOptions) {
    this.#options = { ...options, maxAhead: Math.max(1, Math.floor(options.maxAhead)) };
  }

  /** Frames painted so far. */
  get painted(): number {
    return this.#painted;
  }

  /** Seconds spent inside `paint` so far (the painter's busy time, not wall time). */
  get busySeconds(): number {
    return Math.round(this.#busyMs) / 1000;
  }

  /** What `paint` threw, if it did. */
  get failure(): unknown {
    return this.#failure;
  }

  /**
   * Paints every frame (waiting for room when `maxAhead` are ready). Resolves when all are
   * painted or the queue stopped; never rejects (a throwing `paint` stops the queue and is kept in
   * {@link failure}).
   */
  async start(): Promise<void> {
    const { count, paint, maxAhead, onPainted } = this.#options;
    while (this.#painted < count && !this.#stopped) {
      while (this.#ready.length >= maxAhead && !this.#stopped)
        await new Promise<void>((resolve) => (this.#wakePainter = resolve));
      if (this.#stopped) return;
      await nextTurn();
      if (this.#stopped) return;
      const started = performance.now();
      try {
        this.#ready.push(paint(this.#painted));
      } catch (error) {
        this.#failure = error;
        this.stop();
        return;
      } finally {
        this.#busyMs += performance.now() - started;
      }
      this.#painted += 1;
      this.#wake('consumer');
      onPainted?.(this.#painted, count);
    }
  }

  /** Stops painting and ends {@link frames} with {@link SceneFramesStopped} (idempotent). */
  stop(): void {
    this.#stopped = true;
    this.#ready.length = 0;
    this.#wake('painter');
    this.#wake('consumer');
  }

  /**
   * The frames in order, each as soon as it is painted. Throws {@link SceneFramesStopped} when
   * the queue stops before the last one. Leaving the loop early stops the queue.
   */
  async *frames(): AsyncGenerator<Buffer, void, undefined> {
    const { count } = this.#options;
    try {
      while (this.#delivered < count) {
        while (this.#ready.length === 0 && !this.#stopped)
          await new Promise<void>((resolve) => (this.#wakeConsumer = resolve));
        const frame = this.#stopped ? undefined : this.#ready.shift();
        if (frame === undefined) throw new SceneFramesStopped(this.#delivered, count, this.#failure);
        this.#delivered += 1;
        this.#wake('painter');
        yield frame;
      }
    } finally {
      if (this.#delivered < count) this.stop();
    }
  }

  #wake(side: 'painter' | 'consumer'): void {
    const wake = side === 'painter' ? this.#wakePainter : this.#wakeConsumer;
    if (side === 'painter') this.#wakePainter = null;
    else this.#wakeConsumer = null;
    wake?.();
  }
}
