const finiteOrNull = (value) => {
    if (value === undefined)
        return null;
    const n = Number.parseFloat(value);
    return Number.isFinite(n) ? n : null;
};
/**
 * Reads `-progress pipe:1 -nostats` output as it arrives (chunks may split lines or blocks)
 * and yields each completed block.
 */
export class FfmpegProgressReader {
    #partial = '';
    #fields = new Map();
    /** Feeds a chunk of ffmpeg's stdout; returns the blocks it completed (often none or one). */
    push(chunk) {
        const text = this.#partial + chunk;
        const lines = text.split('\n');
        this.#partial = lines.pop() ?? '';
        const blocks = [];
        for (const raw of lines) {
            const line = raw.trim();
            const eq = line.indexOf('=');
            if (eq <= 0)
                continue;
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
    #block(done) {
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
export function progressPercent(block, totalSeconds) {
    if (block.done)
        return 100;
    if (block.outTimeSeconds === null || totalSeconds <= 0)
        return 0;
    return Math.min(99, Math.max(0, Math.floor((block.outTimeSeconds / totalSeconds) * 100)));
}
//# sourceMappingURL=ffmpeg-progress.js.map