import { describe, expect, it } from 'vitest';
import { FfmpegProgressReader, progressPercent } from '../../../src/adapters/ffmpeg/ffmpeg-progress.js';

const block = (outTimeMs: number, end = false): string =>
  `frame=12\nfps=30.0\nout_time_ms=${outTimeMs}\nout_time=00:00:00.000000\nspeed=2.5x\nprogress=${end ? 'end' : 'continue'}\n`;

describe('FfmpegProgressReader', () => {
  it('parses blocks; out_time_ms is in microseconds', () => {
    const blocks = new FfmpegProgressReader().push(block(2_500_000) + block(5_000_000, true));
    expect(blocks).toEqual([
      { outTimeSeconds: 2.5, frame: 12, speed: 2.5, done: false },
      { outTimeSeconds: 5, frame: 12, speed: 2.5, done: true },
    ]);
  });

  it('handles blocks split across chunks anywhere', () => {
    const reader = new FfmpegProgressReader();
    const text = block(1_000_000) + block(2_000_000);
    const seen = [];
    for (let i = 0; i < text.length; i += 7) seen.push(...reader.push(text.slice(i, i + 7)));
    expect(seen.map((b) => b.outTimeSeconds)).toEqual([1, 2]);
  });

  it('prefers out_time_us and tolerates N/A values', () => {
    const [b] = new FfmpegProgressReader().push(
      'out_time_us=750000\nout_time_ms=N/A\nspeed=N/A\nprogress=continue\n',
    );
    expect(b).toMatchObject({ outTimeSeconds: 0.75, speed: null, frame: null });
  });
});

describe('progressPercent', () => {
  it('is the share of the expected duration, below 100 until the end block', () => {
    expect(progressPercent({ outTimeSeconds: 5, frame: 0, speed: null, done: false }, 20)).toBe(25);
    expect(progressPercent({ outTimeSeconds: 25, frame: 0, speed: null, done: false }, 20)).toBe(99);
    expect(progressPercent({ outTimeSeconds: null, frame: 0, speed: null, done: false }, 20)).toBe(0);
    expect(progressPercent({ outTimeSeconds: 1, frame: 0, speed: null, done: true }, 20)).toBe(100);
  });
});
