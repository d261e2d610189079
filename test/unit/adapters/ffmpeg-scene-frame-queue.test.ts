import { describe, expect, it } from 'vitest';
import { SceneFrameQueue, SceneFramesStopped } from '../../../src/adapters/ffmpeg/scene-frame-queue.js';

const frame = (index: number): Buffer => Buffer.from([index]);

async function collect(frames: AsyncIterable<Buffer>): Promise<number[]> {
  const seen: number[] = [];
  for await (const f of frames) seen.push(f[0]!);
  return seen;
}

describe('SceneFrameQueue', () => {
  it('delivers every frame in order and never holds more than maxAhead untaken frames', async () => {
    const painted: number[] = [];
    let mostAhead = 0;
    let delivered = 0;
    const queue = new SceneFrameQueue({
      count: 7,
      maxAhead: 2,
      paint: (i) => {
        mostAhead = Math.max(mostAhead, i - delivered);
        return frame(i);
      },
      onPainted: (n) => painted.push(n),
    });
    const painting = queue.start();
    const seen: number[] = [];
    for await (const f of queue.frames()) {
      // A slow consumer: the painter must wait for room instead of running ahead.
      await new Promise((r) => setTimeout(r, 2));
      seen.push(f[0]!);
      delivered += 1;
    }
    await painting;
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(painted).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(queue.painted).toBe(7);
    // Painting frame i while `delivered` were taken: at most maxAhead ready + the one being yielded.
    expect(mostAhead).toBeLessThanOrEqual(3);
    expect(queue.busySeconds).toBeGreaterThanOrEqual(0);
  });

  it('paints ahead before anyone consumes, up to maxAhead (e.g. during narration)', async () => {
    const queue = new SceneFrameQueue({ count: 5, maxAhead: 3, paint: frame });
    const painting = queue.start();
    await new Promise((r) => setTimeout(r, 20));
    expect(queue.painted).toBe(3);
    expect(await collect(queue.frames())).toEqual([0, 1, 2, 3, 4]);
    await painting;
    expect(queue.painted).toBe(5);
  });

  it('fails the consumer with SceneFramesStopped (not a normal end) when paint throws', async () => {
    const boom = new Error('font missing');
    const queue = new SceneFrameQueue({
      count: 4,
      maxAhead: 4,
      paint: (i) => {
        if (i === 2) throw boom;
        return frame(i);
      },
    });
    const painting = queue.start();
    const seen: number[] = [];
    const consumed = (async () => {
      for await (const f of queue.frames()) seen.push(f[0]!);
    })();
    await expect(consumed).rejects.toBeInstanceOf(SceneFramesStopped);
    await painting;
    expect(queue.failure).toBe(boom);
    expect(seen.length).toBeLessThanOrEqual(2);
  });

  it('stop() ends a waiting consumer with SceneFramesStopped and the painter at once', async () => {
    const queue = new SceneFrameQueue({ count: 3, maxAhead: 1, paint: frame });
    // Nothing started: the consumer waits for a first frame that never comes until stop().
    const consumed = collect(queue.frames());
    setTimeout(() => queue.stop(), 5);
    await expect(consumed).rejects.toThrow(/stopped after 0 of 3 frames/);
    await queue.start();
    expect(queue.painted).toBe(0);
  });

  it('a consumer that leaves early stops the painter', async () => {
    const queue = new SceneFrameQueue({ count: 10, maxAhead: 1, paint: frame });
    const painting = queue.start();
    for await (const f of queue.frames()) if (f[0] === 1) break;
    await painting;
    expect(queue.painted).toBeLessThan(10);
  });
});
