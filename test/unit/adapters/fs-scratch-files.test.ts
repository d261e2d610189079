import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { FsScratchFiles } from '../../../src/adapters/fs/fs-scratch-files.js';

const roots: string[] = [];
const freshRoot = (): string => {
  const root = mkdtempSync(join(tmpdir(), 'framecast-scratch-files-'));
  roots.push(root);
  return root;
};
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe('FsScratchFiles', () => {
  it('creates a directory per call under the root (created if missing) and writes streamed files', async () => {
    const root = join(freshRoot(), 'not-yet');
    const scratch = new FsScratchFiles(root);
    const a = (await scratch.createDirectory('job/../1'))._unsafeUnwrap();
    const b = (await scratch.createDirectory('job/../1'))._unsafeUnwrap();
    expect(a.path).not.toBe(b.path);
    expect(dirname(a.path)).toBe(root);
    expect(a.path).toMatch(/assets-job____1-/);
    const written = (
      await a.writeFile('logo.png', Readable.from([Buffer.from('abc'), Buffer.from('def')]))
    )._unsafeUnwrap();
    expect(written).toEqual({ path: join(a.path, 'logo.png'), sizeBytes: 6 });
    expect(readFileSync(written.path, 'utf8')).toBe('abcdef');
  });

  it('removes the directory with its files; removing twice is fine', async () => {
    const root = freshRoot();
    const dir = (await new FsScratchFiles(root).createDirectory('j'))._unsafeUnwrap();
    (await dir.writeFile('music.mp3', Readable.from([Buffer.from('x')])))._unsafeUnwrap();
    await dir.remove();
    await dir.remove();
    expect(existsSync(dir.path)).toBe(false);
    expect(readdirSync(root)).toEqual([]);
  });

  it('reports a failing body as a retryable StorageUnavailable and leaves no partial file', async () => {
    const dir = (await new FsScratchFiles(freshRoot()).createDirectory('j'))._unsafeUnwrap();
    const body = new Readable({
      read() {
        this.push(Buffer.from('partial'));
        this.destroy(new Error('connection reset'));
      },
    });
    const result = await dir.writeFile('background.jpg', body);
    expect(result._unsafeUnwrapErr()).toMatchObject({ type: 'StorageUnavailable', retryable: true });
    expect(result._unsafeUnwrapErr().message).toContain('connection reset');
    expect(readdirSync(dir.path)).toEqual([]);
  });

  it('refuses a file name with a path in it (programmer error)', async () => {
    const dir = (await new FsScratchFiles(freshRoot()).createDirectory('j'))._unsafeUnwrap();
    expect(() => dir.writeFile('../escape', Readable.from([]))).toThrow(/invalid scratch file name/);
  });

  it('reports a root it cannot create (below a regular file) as StorageUnavailable', async () => {
    const root = freshRoot();
    writeFileSync(join(root, 'a-file'), 'x');
    const result = await new FsScratchFiles(join(root, 'a-file', 'below')).createDirectory('j');
    expect(result._unsafeUnwrapErr()).toMatchObject({ type: 'StorageUnavailable', retryable: true });
  });
});
