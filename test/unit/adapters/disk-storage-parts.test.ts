import { describe, expect, it } from 'vitest';
import { storageUnavailableFromFs } from '../../../src/adapters/fs/fs-storage-error.js';
import {
  assertObjectKey,
  assertObjectPrefix,
  compareObjectKeys,
  InvalidObjectKeyError,
} from '../../../src/adapters/fs/object-key.js';
import {
  encodeTrailer,
  FOOTER_BYTES,
  parseFooter,
  parseMeta,
} from '../../../src/adapters/fs/object-trailer.js';

const errno = (code: string) => Object.assign(new Error(`${code}: /secret/abs/path`), { code });

describe('storageUnavailableFromFs', () => {
  it.each([
    ['ENOSPC', true, 'no space left on device'],
    ['EIO', true, 'I/O error'],
    ['EMFILE', true, 'too many open files'],
    ['EACCES', false, 'permission denied'],
    ['EROFS', false, 'read-only filesystem'],
    ['EWHATEVER', true, 'EWHATEVER'],
  ])('maps %s to retryable=%s', (code, retryable, text) => {
    const error = storageUnavailableFromFs(errno(code), 'write', 'dev/o/j/video.mp4');
    expect(error).toMatchObject({ type: 'StorageUnavailable', retryable });
    expect(error.message).toContain(text);
    expect(error.message).toContain('"dev/o/j/video.mp4"');
    expect(error.message).not.toContain('/secret/abs/path');
  });

  it('treats an error without errno as not retryable', () => {
    expect(storageUnavailableFromFs(new Error('odd'), 'read', 'k')).toMatchObject({ retryable: false });
  });
});

describe('object keys', () => {
  it('accepts the DESIGN §6 layout and odd but safe names', () => {
    for (const key of [
      'dev/owner/job/video.mp4',
      'dev/o/uploads/u1',
      'a',
      '.hidden/x',
      'a.b.c',
      'ünïcode/ök',
    ]) {
      expect(() => assertObjectKey(key)).not.toThrow();
    }
  });

  it('refuses keys that could escape or confuse a path', () => {
    for (const key of [
      '',
      '/a',
      'a/../b',
      'a..b',
      'a\\b',
      'a\0b',
      'a//b',
      'a/',
      '.',
      'a/./b',
      'x'.repeat(1025),
    ]) {
      expect(() => assertObjectKey(key)).toThrow(InvalidObjectKeyError);
    }
  });

  it('accepts prefixes with a trailing slash, and empty only when allowed', () => {
    expect(() => assertObjectPrefix('dev/o/', { allowEmpty: false })).not.toThrow();
    expect(() => assertObjectPrefix('dev/o/j1', { allowEmpty: false })).not.toThrow();
    expect(() => assertObjectPrefix('', { allowEmpty: true })).not.toThrow();
    expect(() => assertObjectPrefix('', { allowEmpty: false })).toThrow(InvalidObjectKeyError);
    expect(() => assertObjectPrefix('a//', { allowEmpty: true })).toThrow(InvalidObjectKeyError);
  });

  it('sorts by UTF-8 bytes, as S3 lists', () => {
    expect(['b', 'a/b', 'a', '\u{1F600}', '\uFF61'].sort(compareObjectKeys)).toEqual([
      'a',
      'a/b',
      'b',
      '\uFF61',
      '\u{1F600}',
    ]);
  });
});

describe('object trailer', () => {
  const meta = {
    size: 11,
    contentType: 'text/plain; charset=utf-8',
    etag: '"abc"',
    lastModified: new Date('2026-01-01T00:00:00.123Z'),
  };

  it('round-trips the metadata', () => {
    const trailer = encodeTrailer(meta);
    const length = parseFooter(trailer.subarray(trailer.length - FOOTER_BYTES));
    expect(length).toBe(trailer.length);
    expect(parseMeta(trailer.subarray(0, trailer.length - FOOTER_BYTES), 11)).toEqual(meta);
  });

  it('rejects a foreign footer or metadata that does not match the data size', () => {
    expect(parseFooter(Buffer.alloc(FOOTER_BYTES))).toBeNull();
    const trailer = encodeTrailer(meta);
    expect(parseMeta(trailer.subarray(0, trailer.length - FOOTER_BYTES), 12)).toBeNull();
    expect(parseMeta(Buffer.from('not json'), 11)).toBeNull();
  });
});

describe('DiskObjectStorage trailer memory', () => {
  it('reads a replaced object of the same size with its new metadata, never a remembered one', async () => {
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const { Readable } = await import('node:stream');
    const { DiskObjectStorage } = await import('../../../src/adapters/fs/disk-object-storage.js');
    const root = await mkdtemp(path.join(tmpdir(), 'framecast-disk-trailer-'));
    try {
      const storage = new DiskObjectStorage({ rootDir: root });
      const put = async (text: string, contentType: string) =>
        (
          await storage.putStream('dev/o/j/video.mp4', Readable.from([Buffer.from(text)]), { contentType })
        )._unsafeUnwrap();
      const first = await put('aaaaaaaaaa', 'video/mp4');
      expect((await storage.head('dev/o/j/video.mp4'))._unsafeUnwrap().etag).toBe(first.etag);
      expect((await storage.head('dev/o/j/video.mp4'))._unsafeUnwrap().etag).toBe(first.etag); // remembered
      const second = await put('bbbbbbbbbb', 'image/jpeg');
      expect(second.etag).not.toBe(first.etag);
      const info = (await storage.head('dev/o/j/video.mp4'))._unsafeUnwrap();
      expect({ etag: info.etag, contentType: info.contentType, size: info.size }).toEqual({
        etag: second.etag,
        contentType: 'image/jpeg',
        size: 10,
      });
      const body = (await storage.get('dev/o/j/video.mp4', { start: 2, end: 4 }))._unsafeUnwrap();
      const chunks: Buffer[] = [];
      for await (const chunk of body.stream) chunks.push(chunk as Buffer);
      expect(Buffer.concat(chunks).toString()).toBe('bbb');
      expect(body.info.etag).toBe(second.etag);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('DiskObjectStorage read streams', () => {
  it('releases the file descriptor after a stream is read to the end or destroyed', async () => {
    const { mkdtemp, readdir, rm } = await import('node:fs/promises');
    const { existsSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const { Readable } = await import('node:stream');
    const { DiskObjectStorage } = await import('../../../src/adapters/fs/disk-object-storage.js');
    if (!existsSync('/proc/self/fd')) return; // Linux only: counts open descriptors
    const root = await mkdtemp(path.join(tmpdir(), 'framecast-disk-fd-'));
    const openFds = async (): Promise<number> => (await readdir('/proc/self/fd')).length;
    const settle = async (): Promise<void> => {
      for (let i = 0; i < 20; i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
    };
    try {
      const storage = new DiskObjectStorage({ rootDir: root });
      const bytes = Buffer.alloc(300_000, 7);
      (
        await storage.putStream('dev/o/j/video.mp4', Readable.from([bytes]), { contentType: 'video/mp4' })
      )._unsafeUnwrap();
      await storage.head('dev/o/j/video.mp4');
      await settle();
      const before = await openFds();

      const whole = (await storage.get('dev/o/j/video.mp4'))._unsafeUnwrap();
      expect(await openFds()).toBe(before + 1);
      let read = 0;
      for await (const chunk of whole.stream) read += (chunk as Buffer).length;
      expect(read).toBe(300_000);
      await settle();
      expect(await openFds()).toBe(before);

      const ranged = (await storage.get('dev/o/j/video.mp4', { start: 10, end: 200_000 }))._unsafeUnwrap();
      await new Promise((resolve) => ranged.stream.once('data', resolve));
      ranged.stream.destroy();
      await settle();
      expect(await openFds()).toBe(before);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
