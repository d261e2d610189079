import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ProcessGroup } from '../../../src/adapters/ffmpeg/process-group.js';

const dir = mkdtempSync(join(tmpdir(), 'framecast-stdin-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A source of `count` chunks of `size` bytes (byte value = chunk number) that records its life. */
function source(count: number, size: number, options: { throwAt?: number } = {}) {
  const log = { pulled: 0, closed: false };
  async function* chunks(): AsyncGenerator<Uint8Array> {
    try {
      for (let i = 0; i < count; i += 1) {
        if (i === options.throwAt) throw new Error('painter failed');
        log.pulled += 1;
        yield Buffer.alloc(size, i);
      }
    } finally {
      log.closed = true;
    }
  }
  return { log, chunks: chunks() };
}

describe('ProcessGroup stdin streaming', () => {
  it('streams every chunk in order, then closes stdin', async () => {
    const out = join(dir, 'out.bin');
    const { log, chunks } = source(5, 300_000);
    const outcome = await new ProcessGroup().run('sh', ['-c', `cat > '${out}'`], { stdin: chunks });
    expect(outcome).toMatchObject({ kind: 'exited', code: 0 });
    const bytes = readFileSync(out);
    expect(bytes.length).toBe(5 * 300_000);
    expect([0, 1, 2, 3, 4].map((i) => bytes[i * 300_000 + 299_999])).toEqual([0, 1, 2, 3, 4]);
    expect(log.pulled).toBe(5);
  });

  it('pulls the next chunk only when the pipe drains (a child that never reads gets at most two)', async () => {
    const group = new ProcessGroup();
    const { log, chunks } = source(50, 1_000_000);
    const running = group.run('sh', ['-c', 'exec sleep 30'], { stdin: chunks });
    await new Promise((r) => setTimeout(r, 150));
    expect(log.pulled).toBeLessThanOrEqual(2);
    await group.killAll();
    expect((await running).kind).toBe('killed');
    await new Promise((r) => setTimeout(r, 20));
    expect(log.closed).toBe(true);
  });

  it('SIGKILLs the child when the source throws, so a cut-short input never ends normally', async () => {
    const { chunks } = source(5, 10_000, { throwAt: 2 });
    const outcome = await new ProcessGroup().run('sh', ['-c', 'cat > /dev/null; exit 0'], { stdin: chunks });
    expect(outcome).toMatchObject({ kind: 'exited', signal: 'SIGKILL' });
  });

  it('closes the source when the child exits without reading it', async () => {
    const { log, chunks } = source(50, 1_000_000);
    const outcome = await new ProcessGroup().run('sh', ['-c', 'exit 3'], { stdin: chunks });
    expect(outcome).toMatchObject({ kind: 'exited', code: 3 });
    await new Promise((r) => setTimeout(r, 20));
    expect(log.closed).toBe(true);
    expect(log.pulled).toBeLessThan(50);
  });
});
