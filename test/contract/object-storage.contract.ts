import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Result } from 'neverthrow';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ObjectStorage, StoredObjectInfo } from '../../src/ports/object-storage.js';

/** A fresh store per test; `close` releases whatever the adapter holds (directories, servers). */
export interface ObjectStorageSubject {
  readonly storage: ObjectStorage;
  close(): Promise<void>;
}

/** Deterministic pseudo-random bytes (xorshift32), so failures reproduce. */
export function bytesOf(length: number, seed = 1): Buffer {
  const out = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** A byte stream of `bytes` in `chunkSize` pieces, yielding to the event loop between pieces. */
export function streamOf(bytes: Buffer, chunkSize = 16 * 1024): Readable {
  return Readable.from(
    (async function* () {
      for (let offset = 0; offset < bytes.length; offset += chunkSize) {
        await nextTurn();
        yield bytes.subarray(offset, offset + chunkSize);
      }
    })(),
    { objectMode: false },
  );
}

/** Reads a stream to its end. */
export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** The value of an ok result, or a failed expectation naming the error. */
export function unwrap<T, E>(result: Result<T, E>): T {
  if (result.isErr()) expect.fail(`expected ok, got ${JSON.stringify(result.error)}`);
  return result.value;
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/**
 * The ObjectStorage port's behaviour, run against every adapter (memory, disk, S3). Only port
 * behaviour is asserted: the ETag's algorithm (SHA-256 on disk, MD5 on S3) and presigning are not.
 */
export function describeObjectStorageContract(
  adapterName: string,
  makeSubject: () => Promise<ObjectStorageSubject>,
): void {
  describe(`ObjectStorage contract [${adapterName}]`, () => {
    let subject: ObjectStorageSubject;
    let storage: ObjectStorage;

    beforeEach(async () => {
      subject = await makeSubject();
      storage = subject.storage;
    });

    afterEach(async () => {
      await subject.close();
    });

    const put = async (key: string, bytes: Buffer, contentType = 'application/octet-stream') =>
      unwrap(await storage.putStream(key, streamOf(bytes), { contentType }));

    const expectInfo = (info: StoredObjectInfo, key: string, bytes: Buffer, contentType: string) => {
      expect(info.key).toBe(key);
      expect(info.size).toBe(bytes.length);
      expect(info.contentType).toBe(contentType);
      expect(info.etag).toMatch(/^"[^"]+"$/);
      expect(info.lastModified).toBeInstanceOf(Date);
      expect(Number.isNaN(info.lastModified.getTime())).toBe(false);
    };

    describe('putStream and putFile', () => {
      it('round-trips the bytes of a stream, with size and content type', async () => {
        const bytes = bytesOf(100_000);
        const info = await put('dev/owner-1/job-1/video.mp4', bytes, 'video/mp4');
        expectInfo(info, 'dev/owner-1/job-1/video.mp4', bytes, 'video/mp4');
        const body = unwrap(await storage.get('dev/owner-1/job-1/video.mp4'));
        expect(sha256(await readAll(body.stream))).toBe(sha256(bytes));
        expect(body.info).toMatchObject({ size: bytes.length, contentType: 'video/mp4', etag: info.etag });
        expect(body.range).toBeNull();
      });

      it('round-trips a local file', async () => {
        const dir = await mkdtemp(join(tmpdir(), 'framecast-contract-'));
        try {
          const bytes = bytesOf(70_000, 7);
          const file = join(dir, 'thumb.jpg');
          await writeFile(file, bytes);
          const info = unwrap(
            await storage.putFile('dev/o/j/thumbnail.jpg', file, { contentType: 'image/jpeg' }),
          );
          expectInfo(info, 'dev/o/j/thumbnail.jpg', bytes, 'image/jpeg');
          const body = unwrap(await storage.get('dev/o/j/thumbnail.jpg'));
          expect((await readAll(body.stream)).equals(bytes)).toBe(true);
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      });

      it('round-trips an empty object', async () => {
        const info = await put('dev/o/j/subtitles.vtt', Buffer.alloc(0), 'text/vtt');
        expect(info.size).toBe(0);
        const body = unwrap(await storage.get('dev/o/j/subtitles.vtt'));
        expect((await readAll(body.stream)).length).toBe(0);
      });

      it('gives equal ETags to equal bytes and different ETags to different bytes', async () => {
        const a = await put('dev/o/a', bytesOf(5000, 1));
        const b = await put('dev/o/b', bytesOf(5000, 1));
        const c = await put('dev/o/c', bytesOf(5000, 2));
        expect(a.etag).toBe(b.etag);
        expect(c.etag).not.toBe(a.etag);
      });

      it('replaces an object on overwrite (bytes, size, content type, ETag)', async () => {
        const first = await put('dev/o/j/video.mp4', bytesOf(4000, 1), 'video/mp4');
        const replacement = bytesOf(1500, 2);
        const second = await put('dev/o/j/video.mp4', replacement, 'video/webm');
        expect(second.etag).not.toBe(first.etag);
        const head = unwrap(await storage.head('dev/o/j/video.mp4'));
        expect(head).toMatchObject({ size: 1500, contentType: 'video/webm', etag: second.etag });
        const body = unwrap(await storage.get('dev/o/j/video.mp4'));
        expect((await readAll(body.stream)).equals(replacement)).toBe(true);
      });

      it('streams a 5 MB object in and out', async () => {
        const bytes = bytesOf(5 * 1024 * 1024, 3);
        const info = unwrap(
          await storage.putStream('dev/o/j/big.mp4', streamOf(bytes, 64 * 1024), {
            contentType: 'video/mp4',
          }),
        );
        expect(info.size).toBe(bytes.length);
        const body = unwrap(await storage.get('dev/o/j/big.mp4'));
        let chunks = 0;
        const hash = createHash('sha256');
        for await (const chunk of body.stream) {
          chunks += 1;
          hash.update(chunk as Buffer);
        }
        expect(hash.digest('hex')).toBe(sha256(bytes));
        expect(chunks).toBeGreaterThan(1);
      });

      it('reports progress up to the size, never decreasing', async () => {
        const bytes = bytesOf(300_000, 4);
        const seen: number[] = [];
        unwrap(
          await storage.putStream('dev/o/j/p.bin', streamOf(bytes), {
            contentType: 'application/octet-stream',
            onProgress: (n) => seen.push(n),
          }),
        );
        expect(seen.length).toBeGreaterThan(0);
        expect(seen.at(-1)).toBe(bytes.length);
        expect(seen.every((n, i) => i === 0 || n >= seen[i - 1]!)).toBe(true);
      });

      it('ends concurrent writes of one key with one complete version, never a mix', async () => {
        const a = bytesOf(400_000, 11);
        const b = bytesOf(400_000, 12);
        const [ra, rb] = await Promise.all([
          storage.putStream('dev/o/j/race.bin', streamOf(a, 8 * 1024), { contentType: 'application/a' }),
          storage.putStream('dev/o/j/race.bin', streamOf(b, 8 * 1024), { contentType: 'application/b' }),
        ]);
        const infoA = unwrap(ra);
        const infoB = unwrap(rb);
        const body = unwrap(await storage.get('dev/o/j/race.bin'));
        const digest = sha256(await readAll(body.stream));
        expect([sha256(a), sha256(b)]).toContain(digest);
        const winner = digest === sha256(a) ? infoA : infoB;
        const head = unwrap(await storage.head('dev/o/j/race.bin'));
        expect(head).toMatchObject({ etag: winner.etag, contentType: winner.contentType, size: 400_000 });
        expect(body.info.etag).toBe(winner.etag);
      });
    });

    describe('head and get', () => {
      it('head returns what put returned', async () => {
        const info = await put('dev/o/j/meta.json', Buffer.from('{"a":1}'), 'application/json');
        const head = unwrap(await storage.head('dev/o/j/meta.json'));
        expect(head).toMatchObject({
          key: info.key,
          size: info.size,
          contentType: info.contentType,
          etag: info.etag,
        });
        expect(head.lastModified).toBeInstanceOf(Date);
      });

      it('serves resolved inclusive ranges: first 100 bytes, the middle, the last byte, all', async () => {
        const bytes = bytesOf(10_000, 5);
        await put('dev/o/j/video.mp4', bytes, 'video/mp4');
        const cases = [
          { start: 0, end: 99 },
          { start: 4000, end: 5999 },
          { start: 9999, end: 9999 },
          { start: 0, end: 9999 },
        ];
        for (const range of cases) {
          const body = unwrap(await storage.get('dev/o/j/video.mp4', range));
          expect(body.range).toEqual(range);
          expect(body.info.size).toBe(bytes.length);
          const got = await readAll(body.stream);
          expect(got.equals(bytes.subarray(range.start, range.end + 1))).toBe(true);
        }
      });

      it('answers ObjectNotFound for a missing key on head and get', async () => {
        expect((await storage.head('dev/o/missing')).isErr()).toBe(true);
        expect((await storage.head('dev/o/missing'))._unsafeUnwrapErr()).toEqual({
          type: 'ObjectNotFound',
          key: 'dev/o/missing',
        });
        expect((await storage.get('dev/o/missing'))._unsafeUnwrapErr()).toEqual({
          type: 'ObjectNotFound',
          key: 'dev/o/missing',
        });
        expect((await storage.get('dev/o/missing', { start: 0, end: 9 }))._unsafeUnwrapErr()).toMatchObject({
          type: 'ObjectNotFound',
        });
      });

      it('answers ObjectNotFound for a key that is only a prefix of other keys', async () => {
        await put('dev/o/j/video.mp4', bytesOf(10));
        expect((await storage.head('dev/o/j'))._unsafeUnwrapErr()).toEqual({
          type: 'ObjectNotFound',
          key: 'dev/o/j',
        });
        expect((await storage.get('dev/o/j'))._unsafeUnwrapErr()).toEqual({
          type: 'ObjectNotFound',
          key: 'dev/o/j',
        });
      });
    });

    describe('delete and deletePrefix', () => {
      it('deletes an object, and deleting again or a never-stored key succeeds', async () => {
        await put('dev/o/j/video.mp4', bytesOf(10));
        unwrap(await storage.delete('dev/o/j/video.mp4'));
        expect((await storage.head('dev/o/j/video.mp4'))._unsafeUnwrapErr().type).toBe('ObjectNotFound');
        unwrap(await storage.delete('dev/o/j/video.mp4'));
        unwrap(await storage.delete('dev/nobody/never/stored'));
      });

      it('deletes every key under a prefix, returns the count and leaves other prefixes', async () => {
        for (const key of ['dev/o1/j1/video.mp4', 'dev/o1/j1/thumbnail.jpg', 'dev/o1/j1/sub/deep.txt']) {
          await put(key, bytesOf(10));
        }
        for (const key of ['dev/o1/j10/video.mp4', 'dev/o1/j2/video.mp4', 'dev/o2/j1/video.mp4']) {
          await put(key, bytesOf(10));
        }
        expect(unwrap(await storage.deletePrefix('dev/o1/j1/'))).toBe(3);
        expect(unwrap(await storage.list('dev/'))).toEqual([
          'dev/o1/j10/video.mp4',
          'dev/o1/j2/video.mp4',
          'dev/o2/j1/video.mp4',
        ]);
        expect(unwrap(await storage.deletePrefix('dev/o1/j1/'))).toBe(0);
        expect(unwrap(await storage.deletePrefix('prod/'))).toBe(0);
      });

      it('matches a prefix as a string, not only at "/" boundaries', async () => {
        for (const key of ['dev/o/j1/a', 'dev/o/j10/a', 'dev/o/j2/a']) await put(key, bytesOf(3));
        expect(unwrap(await storage.deletePrefix('dev/o/j1'))).toBe(2);
        expect(unwrap(await storage.list('dev/o/'))).toEqual(['dev/o/j2/a']);
      });
    });

    describe('list', () => {
      it('lists the keys under a prefix, sorted', async () => {
        const keys = ['dev/o/j2/video.mp4', 'dev/o/j1/video.mp4', 'dev/o/j1/a.txt', 'dev/o/j10/b', 'dev/p/x'];
        for (const key of keys) await put(key, bytesOf(5));
        expect(unwrap(await storage.list('dev/o/'))).toEqual([
          'dev/o/j1/a.txt',
          'dev/o/j1/video.mp4',
          'dev/o/j10/b',
          'dev/o/j2/video.mp4',
        ]);
        expect(unwrap(await storage.list('dev/o/j1'))).toEqual([
          'dev/o/j1/a.txt',
          'dev/o/j1/video.mp4',
          'dev/o/j10/b',
        ]);
        expect(unwrap(await storage.list('dev/o/j1/video.mp4'))).toEqual(['dev/o/j1/video.mp4']);
        expect(unwrap(await storage.list(''))).toEqual([...keys].sort());
        expect(unwrap(await storage.list('nothing/here/'))).toEqual([]);
      });
    });

    describe('presignGet and check', () => {
      it('answers a URL or null (the caller then streams)', async () => {
        await put('dev/o/j/video.mp4', bytesOf(10));
        const url = unwrap(await storage.presignGet('dev/o/j/video.mp4', 60));
        expect(url === null || typeof url === 'string').toBe(true);
      });

      it('check() passes and leaves no object behind', async () => {
        await put('dev/o/j/video.mp4', bytesOf(10));
        const before = unwrap(await storage.list(''));
        unwrap(await storage.check());
        expect(unwrap(await storage.list(''))).toEqual(before);
      });
    });
  });
}
