/** One block of `ffmpeg -progress` output (key=value lines ending with `progress=...`). */
export interface FfmpegProgressBlock {
  /** Output position in seconds (from `out_time_us`, or `out_time_ms`, which is also µs). */
  readonly outTimeSeconds: number | null;
  /** Frames written so far. */
  readonly frame: number | null;
  /** Encoding speed as a multiple of real time (`1.5x` -> 1.5). */
  readonly speed: number | null;
  /** True for the final block (`progress=end`). */
  readonly done: boolean;
}

const finiteOrNull = (value: string | undefined): number | null => {
  if (value === undefined) return null;
  const n = Number.parseFloat(value);
  return Number.isFinite(n) ? n : null;
};

/**
 * Reads `-progress pipe:1 -nostats` output as it arrives (chunks may split lines or blocks)
 * and yields each completed block.
 */
export class FfmpegProgressReader {
  #partial = '';
  #fields = new Map<string, string>();

  /** Feeds a chunk of ffmpeg's stdout; returns the blocks it completed (often none or one). */
  push(chunk: string): FfmpegProgressBlock[] {
    const text = this.#partial + chunk;
    const lines = text.split('\n');
    this.#partial = lines.pop() ?? '';
    const blocks: FfmpegProgressBlock[] = [];
    for (const raw of lines) {
      const line = raw.trim();
      const eq = line.indexOf('=');
      if (eq <= 0) continue;
      const key = line.slice(0, eq);
      const value = line.slice(eq + 1).trim();
      if (key !== 'progress') {
        this.#fields.set(key, value);
        continue;
      }
      blocks.push(this.#block(value === 'end'));
      this.#fields = new Map();
    }
    return blocks;
  }

  #block(done: boolean): FfmpegProgressBlock {
    const micros = finiteOrNull(this.#fields.get('out_time_us') ?? this.#fields.get('out_time_ms'));
    const speed = finiteOrNull(this.#fields.get('speed')?.replace(/x$/, ''));
    return {
      outTimeSeconds: micros === null ? null : Math.max(0, micros / 1_000_000),
      frame: finiteOrNull(this.#fields.get('frame')),
      speed,
      done,
    };
  }
}

/**
 * Completion of an encode in percent (0–100, whole numbers): the block's output time over the
 * expected total duration in seconds; 100 only for the final block.
 */
export function progressPercent(block: FfmpegProgressBlock, totalSeconds: number): number {
  if (block.done) return 100;
  if (block.outTimeSeconds === null || totalSeconds <= 0) return 0;
  return Math.min(99, Math.max(0, Math.floor((block.outTimeSeconds / totalSeconds) * 100)));
}
