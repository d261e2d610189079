import { mkdtemp, readdir, rm, writeFile, mkdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it, beforeEach, afterEach } from 'vitest';
import { DiskObjectStorage } from '../../src/adapters/fs/disk-object-storage.js';
import { InvalidObjectKeyError } from '../../src/adapters/fs/object-key.js';
import { InMemoryObjectStorage } from '../../src/adapters/memory/in-memory-object-storage.js';
import type { ObjectStorage } from '../../src/ports/object-storage.js';
import {
  bytesOf,
  describeObjectStorageContract,
  readAll,
  streamOf,
  unwrap,
} from './object-storage.contract.js';

describeObjectStorageContract('memory', () =>
  Promise.resolve({ storage: new InMemoryObjectStorage(), close: () => Promise.resolve() }),
);

describeObjectStorageContract('disk', async () => {
  const rootDir = await mkdtemp(join(tmpdir(), 'framecast-disk-'));
  return {
    storage: new DiskObjectStorage({ rootDir }),
    close: () => rm(rootDir, { recursive: true, force: true }),
  };
});

/** A stream that yields `good` and then fails, as a dropped upload does. */
function failingStream(good: Buffer): Readable {
  return Readable.from(
    (async function* () {
      yield good.subarray(0, good.length / 2);
      await new Promise((r) => setTimeout(r, 5));
      yield good.subarray(good.length / 2);
      throw new Error('client went away');
    })(),
    { objectMode: false },
  );
}

const BAD_KEYS = [
  '',
  '/abs/key',
  'a/../b',
  '..',
  'a/..',
  'x..y',
  'a\\b',
  'a\0b',
  'a//b',
  'a/',
  '.',
  './a',
  'a/./b',
];

describe('DiskObjectStorage (disk only)', () => {
  let rootDir: string;
  let storage: DiskObjectStorage;

  beforeEach(async () => {
    rootDir = await mkdtemp(join(tmpdir(), 'framecast-disk-'));
    storage = new DiskObjectStorage({ rootDir });
  });

  afterEach(async () => {
    await rm(rootDir, { recursive: true, force: true });
  });

  it('leaves no temp file and keeps the previous version when the body stream fails mid-way', async () => {
    const v1 = bytesOf(50_000, 1);
    unwrap(await storage.putStream('dev/o/j/video.mp4', streamOf(v1), { contentType: 'video/mp4' }));
    const result = await storage.putStream('dev/o/j/video.mp4', failingStream(bytesOf(200_000, 2)), {
      contentType: 'video/mp4',
    });
    expect(result._unsafeUnwrapErr()).toMatchObject({ type: 'StorageUnavailable', retryable: false });
    expect(result._unsafeUnwrapErr().message).toContain('client went away');
    expect(await readdir(join(rootDir, '.tmp'))).toEqual([]);
    const body = unwrap(await storage.get('dev/o/j/video.mp4'));
    expect((await readAll(body.stream)).equals(v1)).toBe(true);
  });

  it('leaves no temp file when the source file of putFile is missing', async () => {
    const result = await storage.putFile('dev/o/j/x', join(rootDir, 'does-not-exist'), {
      contentType: 'x/y',
    });
    expect(result._unsafeUnwrapErr()).toMatchObject({ type: 'StorageUnavailable', retryable: false });
    expect(result._unsafeUnwrapErr().message).toContain('ENOENT');
    expect(result._unsafeUnwrapErr().message).not.toContain(rootDir);
    expect(await readdir(join(rootDir, '.tmp'))).toEqual([]);
    expect((await storage.head('dev/o/j/x'))._unsafeUnwrapErr().type).toBe('ObjectNotFound');
  });

  it.each(BAD_KEYS)('refuses the key %j (throws InvalidObjectKeyError)', (key) => {
    const s: ObjectStorage = storage;
    expect(() => s.putStream(key, streamOf(Buffer.from('x')), { contentType: 'x/y' })).toThrow(
      InvalidObjectKeyError,
    );
    expect(() => s.putFile(key, '/dev/null', { contentType: 'x/y' })).toThrow(InvalidObjectKeyError);
    expect(() => s.head(key)).toThrow(InvalidObjectKeyError);
    expect(() => s.get(key)).toThrow(InvalidObjectKeyError);
    expect(() => s.delete(key)).toThrow(InvalidObjectKeyError);
    expect(() => s.presignGet(key, 60)).toThrow(InvalidObjectKeyError);
  });

  it('refuses bad prefixes, and an empty prefix for deletePrefix', () => {
    for (const prefix of ['/abs', '../', 'a//', 'a\\', 'a/../']) {
      expect(() => storage.list(prefix)).toThrow(InvalidObjectKeyError);
      expect(() => storage.deletePrefix(prefix)).toThrow(InvalidObjectKeyError);
    }
    expect(() => storage.deletePrefix('')).toThrow(InvalidObjectKeyError);
  });

  it('refuses malformed ranges (programmer error)', () => {
    expect(() => storage.get('a/b', { start: 5, end: 4 })).toThrow(RangeError);
    expect(() => storage.get('a/b', { start: -1, end: 4 })).toThrow(RangeError);
    expect(() => storage.get('a/b', { start: 0.5, end: 4 })).toThrow(RangeError);
  });

  it('clamps a range end past the object, and reports a start past it as retryable', async () => {
    unwrap(await storage.putStream('a/b', streamOf(bytesOf(100)), { contentType: 'x/y' }));
    const body = unwrap(await storage.get('a/b', { start: 90, end: 500 }));
    expect(body.range).toEqual({ start: 90, end: 99 });
    expect((await readAll(body.stream)).length).toBe(10);
    const moved = await storage.get('a/b', { start: 100, end: 150 });
    expect(moved._unsafeUnwrapErr()).toMatchObject({ type: 'StorageUnavailable', retryable: true });
  });

  it('keeps serving the version a reader opened while the key is overwritten', async () => {
    const v1 = bytesOf(1_000_000, 1);
    const v2 = bytesOf(300_000, 2);
    unwrap(await storage.putStream('dev/o/j/video.mp4', streamOf(v1), { contentType: 'video/mp4' }));
    const reader = unwrap(await storage.get('dev/o/j/video.mp4'));
    unwrap(await storage.putStream('dev/o/j/video.mp4', streamOf(v2), { contentType: 'video/mp4' }));
    expect((await readAll(reader.stream)).equals(v1)).toBe(true);
    const fresh = unwrap(await storage.get('dev/o/j/video.mp4'));
    expect((await readAll(fresh.stream)).equals(v2)).toBe(true);
  });

  it('stores each object as one file (bytes from offset 0, then the metadata trailer)', async () => {
    const bytes = Buffer.from('hello, disk');
    const info = unwrap(
      await storage.putStream('dev/o/j/a.txt', streamOf(bytes), { contentType: 'text/plain' }),
    );
    const file = await readFile(join(rootDir, 'objects', 'dev', 'o', 'j', 'a.txt'));
    expect(file.subarray(0, bytes.length).equals(bytes)).toBe(true);
    expect(file.subarray(bytes.length).toString('utf8')).toContain(info.etag.slice(1, -1));
    expect(await readdir(rootDir)).toEqual(expect.arrayContaining(['objects', '.tmp']));
  });

  it('never lists temp files, and ignores a stray file in .tmp', async () => {
    unwrap(await storage.putStream('k', streamOf(bytesOf(10)), { contentType: 'x/y' }));
    await writeFile(join(rootDir, '.tmp', 'stray.part'), 'partial');
    expect(unwrap(await storage.list(''))).toEqual(['k']);
  });

  it('reports a file that is not in its format as StorageUnavailable, not retryable', async () => {
    await mkdir(join(rootDir, 'objects', 'dev'), { recursive: true });
    await writeFile(join(rootDir, 'objects', 'dev', 'foreign.bin'), 'written by someone else');
    expect((await storage.head('dev/foreign.bin'))._unsafeUnwrapErr()).toMatchObject({
      type: 'StorageUnavailable',
      retryable: false,
    });
    expect((await storage.get('dev/foreign.bin'))._unsafeUnwrapErr().type).toBe('StorageUnavailable');
  });

  it('removes directories left empty by delete and deletePrefix', async () => {
    for (const key of ['dev/o1/j1/video.mp4', 'dev/o1/j2/video.mp4', 'dev/o2/j1/video.mp4']) {
      unwrap(await storage.putStream(key, streamOf(bytesOf(10)), { contentType: 'x/y' }));
    }
    unwrap(await storage.delete('dev/o1/j2/video.mp4'));
    expect(await readdir(join(rootDir, 'objects', 'dev', 'o1'))).toEqual(['j1']);
    expect(unwrap(await storage.deletePrefix('dev/o1/'))).toBe(1);
    expect(await readdir(join(rootDir, 'objects', 'dev'))).toEqual(['o2']);
    unwrap(await storage.delete('dev/o2/j1/video.mp4'));
    expect(await readdir(join(rootDir, 'objects'))).toEqual([]);
  });

  it('fails, not retryable, when a key would need an existing object as a directory', async () => {
    unwrap(await storage.putStream('a/b', streamOf(bytesOf(10)), { contentType: 'x/y' }));
    const nested = await storage.putStream('a/b/c', streamOf(bytesOf(10)), { contentType: 'x/y' });
    expect(nested._unsafeUnwrapErr()).toMatchObject({ type: 'StorageUnavailable', retryable: false });
    const over = await storage.putStream('a', streamOf(bytesOf(10)), { contentType: 'x/y' });
    expect(over._unsafeUnwrapErr()).toMatchObject({ type: 'StorageUnavailable', retryable: false });
    expect(await readdir(join(rootDir, '.tmp'))).toEqual([]);
  });

  it('recreates its directories when the root was removed after first use', async () => {
    unwrap(await storage.putStream('a/b', streamOf(bytesOf(10)), { contentType: 'x/y' }));
    await rm(rootDir, { recursive: true, force: true });
    const first = await storage.putStream('a/b', streamOf(bytesOf(10)), { contentType: 'x/y' });
    expect(first._unsafeUnwrapErr()).toMatchObject({ type: 'StorageUnavailable' });
    unwrap(await storage.putStream('a/b', streamOf(bytesOf(10)), { contentType: 'x/y' }));
    unwrap(await storage.check());
  });

  it('cannot presign', async () => {
    expect(unwrap(await storage.presignGet('dev/o/j/video.mp4', 60))).toBeNull();
  });

  it('reports an unusable root as StorageUnavailable from check()', async () => {
    const file = join(rootDir, 'not-a-dir');
    await writeFile(file, 'x');
    const broken = new DiskObjectStorage({ rootDir: file });
    expect((await broken.check())._unsafeUnwrapErr()).toMatchObject({ type: 'StorageUnavailable' });
  });
});

describe('InMemoryObjectStorage (memory only)', () => {
  it('refuses the same keys as the disk adapter', () => {
    const storage = new InMemoryObjectStorage();
    for (const key of BAD_KEYS) expect(() => storage.head(key)).toThrow(InvalidObjectKeyError);
  });

  it('fails every call while an outage is simulated', async () => {
    const storage = new InMemoryObjectStorage();
    const outage = { type: 'StorageUnavailable', message: 'simulated', retryable: true } as const;
    storage.simulateOutage(outage);
    expect((await storage.check())._unsafeUnwrapErr()).toEqual(outage);
    expect(
      (await storage.putStream('a', streamOf(bytesOf(3)), { contentType: 'x/y' }))._unsafeUnwrapErr(),
    ).toEqual(outage);
    storage.simulateOutage(null);
    unwrap(await storage.check());
  });
});
