import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, type Dirent } from 'node:fs';
import { mkdir, open, readdir, rename, rm, rmdir, stat, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { finished, Readable } from 'node:stream';
import { err, ok, okAsync, ResultAsync, type Result } from 'neverthrow';
import type { ByteRange } from '../../domain/byte-range.js';
import type { Clock } from '../../ports/clock.js';
import type { ObjectNotFound, StorageUnavailable } from '../../ports/errors.js';
import type {
  ObjectBody,
  ObjectStorage,
  PutObjectOptions,
  StoredObjectInfo,
} from '../../ports/object-storage.js';
import { errnoCode, storageUnavailableFromFs } from './fs-storage-error.js';
import {
  assertByteRangeShape,
  assertObjectKey,
  assertObjectPrefix,
  compareObjectKeys,
} from './object-key.js';
import { encodeTrailer, readTrailer, type DiskObjectMeta } from './object-trailer.js';

export interface DiskObjectStorageOptions {
  /**
   * Directory owning the store; created on first write. Objects live under `<rootDir>/objects/<key>`,
   * writes in progress under `<rootDir>/.tmp/` (same filesystem, so the final `rename` is atomic).
   */
  readonly rootDir: string;
  /** Source of `lastModified`. Default: the system clock. */
  readonly clock?: Clock;
  /**
   * Temp files older than this (left by a crashed process) are removed on first use, in ms.
   * Default 24 h: far longer than any write, so another process's write in progress is never touched.
   */
  readonly staleTempAfterMs?: number;
}

type WriteSource =
  { readonly kind: 'stream'; readonly body: Readable } | { readonly kind: 'file'; readonly path: string };

const CHUNK_BYTES = 64 * 1024;
const DEFAULT_STALE_TEMP_MS = 24 * 60 * 60 * 1000;
const CHECK_PREFIX = '.framecast-check/';
/** Trailers remembered by file identity (see `openObject`). */
const META_CACHE_ENTRIES = 1_000;

/** The identity of one version of a file: a replacing write is a new file (rename), so a new inode. */
interface FileVersion {
  readonly dev: number;
  readonly ino: number;
  readonly size: number;
  readonly mtimeMs: number;
  readonly meta: DiskObjectMeta;
}
const systemClock: Clock = { now: () => new Date() };

/**
 * `ObjectStorage` on a local filesystem (DESIGN §6 key layout, one file per object).
 *
 * - Format: each file holds the object's bytes from offset 0, followed by a small metadata trailer
 *   (content type, size, quoted hex SHA-256 ETag, last-modified; see `object-trailer.ts`). `head`
 *   reads only the trailer; ranges are plain file offsets. Files are therefore not byte-identical to
 *   the objects: read them through this adapter.
 * - Atomicity: bytes and trailer go to `<rootDir>/.tmp/<random>.part`, are fsynced, then `rename`d
 *   over the target in one step (and the directory fsynced). Readers see the old or the new object,
 *   never a mix, also across processes and crashes; a failed write removes its temp file.
 * - Keys: see `object-key.ts`; a bad key or range throws (programmer error). A key cannot be both an
 *   object and a directory of other keys (`a` and `a/b`): that write fails, not retryable.
 * - Errors: filesystem failures become `StorageUnavailable` (ENOSPC, EIO, EMFILE retryable; EACCES,
 *   EROFS not); a missing object is `ObjectNotFound`.
 * - `presignGet` answers `ok(null)`: the caller streams with `get`.
 * - Reads remember the trailers of the last 1,000 files read, by path and file identity (device,
 *   inode, size, mtime from `fstat` of the opened file), so a repeated `head`/`get` of an unchanged
 *   object skips the two trailer reads. Every write replaces the file (`rename`: a new inode), so a
 *   changed object never matches a remembered trailer.
 */
export class DiskObjectStorage implements ObjectStorage {
  private readonly objectsDir: string;
  private readonly tmpDir: string;
  private readonly clock: Clock;
  private readonly staleTempAfterMs: number;
  private ready: Promise<void> | null = null;
  private readonly trailers = new Map<string, FileVersion>();

  constructor(options: DiskObjectStorageOptions) {
    const root = resolve(options.rootDir);
    this.objectsDir = join(root, 'objects');
    this.tmpDir = join(root, '.tmp');
    this.clock = options.clock ?? systemClock;
    this.staleTempAfterMs = options.staleTempAfterMs ?? DEFAULT_STALE_TEMP_MS;
  }

  /**
   * Copies the local file at `filePath` to `key`, replacing any previous object atomically.
   * @throws InvalidObjectKeyError for a bad key.
   * @returns the stored info, or `StorageUnavailable` (also when `filePath` cannot be read).
   */
  putFile(
    key: string,
    filePath: string,
    options: PutObjectOptions,
  ): ResultAsync<StoredObjectInfo, StorageUnavailable> {
    assertObjectKey(key);
    return new ResultAsync(this.write(key, { kind: 'file', path: filePath }, options));
  }

  /**
   * Streams `body` (bytes or strings) to `key`, replacing any previous object atomically.
   * `onProgress` gets the bytes written so far after every chunk (a throwing callback is ignored).
   * @throws InvalidObjectKeyError for a bad key.
   * @returns the stored info, or `StorageUnavailable` (not retryable when `body` itself errored).
   */
  putStream(
    key: string,
    body: Readable,
    options: PutObjectOptions,
  ): ResultAsync<StoredObjectInfo, StorageUnavailable> {
    assertObjectKey(key);
    // Until the write starts reading, an early 'error' of `body` must not become an uncaught exception;
    // the iteration below still sees it (a destroyed stream's iterator throws its error).
    const ignoreUntilRead = (): void => undefined;
    body.on('error', ignoreUntilRead);
    return new ResultAsync(
      this.write(key, { kind: 'stream', body }, options).finally(() => body.off('error', ignoreUntilRead)),
    );
  }

  /**
   * Reads the object's info from its trailer (two small reads, never the whole file).
   * @throws InvalidObjectKeyError for a bad key.
   */
  head(key: string): ResultAsync<StoredObjectInfo, ObjectNotFound | StorageUnavailable> {
    assertObjectKey(key);
    return new ResultAsync(
      this.openObject(key).then(async (opened) => {
        if (opened.isErr()) return err(opened.error);
        await opened.value.file.close().catch(() => undefined);
        return ok(infoOf(key, opened.value.meta));
      }),
    );
  }

  /**
   * Opens the object for streaming; with `range` (inclusive byte offsets) only those bytes. The
   * stream reads from the version that existed when `get` opened the file, even if it is replaced
   * meanwhile. Consume or destroy the stream: it holds a file descriptor until then.
   * An `end` past the object's last byte is clamped; a `start` past it (the object changed since
   * the caller resolved the range) is `StorageUnavailable` with `retryable: true`.
   * @throws InvalidObjectKeyError for a bad key; RangeError for a range that is not 0 <= start <= end integers.
   */
  get(key: string, range?: ByteRange): ResultAsync<ObjectBody, ObjectNotFound | StorageUnavailable> {
    assertObjectKey(key);
    if (range !== undefined) assertByteRangeShape(range);
    return new ResultAsync(this.read(key, range));
  }

  /**
   * Deletes the object and the directories it leaves empty; a missing key succeeds.
   * @throws InvalidObjectKeyError for a bad key.
   */
  delete(key: string): ResultAsync<void, StorageUnavailable> {
    assertObjectKey(key);
    return new ResultAsync(this.remove(key));
  }

  /**
   * Deletes every object whose key starts with `prefix` (a string prefix, as on S3) and the
   * directories left empty. @returns how many objects were deleted.
   * @throws InvalidObjectKeyError for a bad or empty prefix.
   */
  deletePrefix(prefix: string): ResultAsync<number, StorageUnavailable> {
    assertObjectPrefix(prefix, { allowEmpty: false });
    return new ResultAsync(this.removePrefix(prefix));
  }

  /**
   * Keys starting with `prefix` (`''` for all), sorted by UTF-8 bytes; temp files are never listed.
   * @throws InvalidObjectKeyError for a bad prefix.
   */
  list(prefix: string): ResultAsync<string[], StorageUnavailable> {
    assertObjectPrefix(prefix, { allowEmpty: true });
    return new ResultAsync(this.collect(prefix));
  }

  /**
   * Always `ok(null)`: a disk cannot sign URLs; the caller streams the object with `get`.
   * @throws InvalidObjectKeyError for a bad key.
   */
  presignGet(key: string, _expiresInSeconds: number): ResultAsync<string | null, StorageUnavailable> {
    assertObjectKey(key);
    return okAsync(null);
  }

  /** Writes a small probe object under `.framecast-check/`, reads it back, compares and deletes it. */
  check(): ResultAsync<void, StorageUnavailable> {
    return new ResultAsync(this.probe());
  }

  // --- internals -------------------------------------------------------------------------------

  private pathOf(key: string): string {
    return join(this.objectsDir, ...key.split('/'));
  }

  private ensureReady(): Promise<void> {
    this.ready ??= (async () => {
      await mkdir(this.objectsDir, { recursive: true });
      await mkdir(this.tmpDir, { recursive: true });
      await this.sweepStaleTemp();
    })().catch((cause: unknown) => {
      this.ready = null;
      throw cause;
    });
    return this.ready;
  }

  private async sweepStaleTemp(): Promise<void> {
    const cutoff = Date.now() - this.staleTempAfterMs;
    const names = await readdir(this.tmpDir).catch(() => [] as string[]);
    for (const name of names) {
      const path = join(this.tmpDir, name);
      const info = await stat(path).catch(() => null);
      if (info !== null && info.mtimeMs < cutoff) await rm(path, { force: true }).catch(() => undefined);
    }
  }

  private async write(
    key: string,
    source: WriteSource,
    options: PutObjectOptions,
  ): Promise<Result<StoredObjectInfo, StorageUnavailable>> {
    // The source file is opened only when the temp file is ready, so its errors surface in the loop.
    let body = source.kind === 'stream' ? source.body : undefined;
    const tmp = join(this.tmpDir, `${randomBytes(12).toString('hex')}.part`);
    let failing: 'storage' | 'source' = 'storage';
    let file: FileHandle | undefined;
    try {
      await this.ensureReady();
      file = await open(tmp, 'wx');
      const hash = createHash('sha256');
      let size = 0;
      failing = 'source';
      const reading =
        source.kind === 'file' ? createReadStream(source.path, { highWaterMark: CHUNK_BYTES }) : source.body;
      body = reading;
      for await (const chunk of reading) {
        const bytes = toBytes(chunk);
        failing = 'storage';
        hash.update(bytes);
        await writeAll(file, bytes, size);
        size += bytes.length;
        report(options.onProgress, size);
        failing = 'source';
      }
      failing = 'storage';
      const meta: DiskObjectMeta = {
        size,
        contentType: options.contentType,
        etag: `"${hash.digest('hex')}"`,
        lastModified: this.clock.now(),
      };
      await writeAll(file, encodeTrailer(meta), size);
      await file.sync();
      await file.close();
      file = undefined;
      await this.commit(tmp, this.pathOf(key));
      return ok(infoOf(key, meta));
    } catch (cause) {
      body?.destroy(); // release the producer of a body we stopped reading
      await file?.close().catch(() => undefined);
      await rm(tmp, { force: true }).catch(() => undefined);
      if (failing === 'storage') {
        if (errnoCode(cause) === 'ENOENT') this.ready = null; // the root was removed: recreate it next time
        return err(storageUnavailableFromFs(cause, 'write', key));
      }
      if (source.kind === 'file') return err(storageUnavailableFromFs(cause, 'read source file of', key));
      return err({
        type: 'StorageUnavailable',
        message: `disk storage: the body stream of ${JSON.stringify(key)} failed (${describe(cause)})`,
        retryable: false,
      });
    }
  }

  /** Renames the finished temp file over the target; retries when a concurrent delete pruned the new directory. */
  private async commit(tmp: string, target: string): Promise<void> {
    const dir = dirname(target);
    for (let attempt = 1; ; attempt++) {
      await mkdir(dir, { recursive: true });
      try {
        await rename(tmp, target);
        break;
      } catch (cause) {
        if (errnoCode(cause) !== 'ENOENT' || attempt >= 3) throw cause;
      }
    }
    await syncDirectory(dir);
  }

  private async openObject(
    key: string,
  ): Promise<Result<{ file: FileHandle; meta: DiskObjectMeta }, ObjectNotFound | StorageUnavailable>> {
    let file: FileHandle | undefined;
    try {
      const path = this.pathOf(key);
      file = await open(path, 'r');
      const info = await file.stat();
      if (!info.isFile()) {
        await file.close();
        return err(notFound(key));
      }
      const known = this.trailers.get(path);
      if (
        known !== undefined &&
        known.dev === info.dev &&
        known.ino === info.ino &&
        known.size === info.size &&
        known.mtimeMs === info.mtimeMs
      ) {
        return ok({ file, meta: known.meta });
      }
      const meta = await readTrailer(file, info.size);
      if (meta !== null) {
        if (known === undefined && this.trailers.size >= META_CACHE_ENTRIES) {
          const oldest = this.trailers.keys().next().value;
          if (oldest !== undefined) this.trailers.delete(oldest);
        }
        this.trailers.set(path, {
          dev: info.dev,
          ino: info.ino,
          size: info.size,
          mtimeMs: info.mtimeMs,
          meta,
        });
      }
      if (meta === null) {
        await file.close();
        return err({
          type: 'StorageUnavailable',
          message: `disk storage: the file of ${JSON.stringify(key)} is not a DiskObjectStorage object (missing or corrupt trailer)`,
          retryable: false,
        });
      }
      return ok({ file, meta });
    } catch (cause) {
      await file?.close().catch(() => undefined);
      const code = errnoCode(cause);
      if (code === 'ENOENT' || code === 'ENOTDIR') return err(notFound(key));
      return err(storageUnavailableFromFs(cause, 'read', key));
    }
  }

  private async read(
    key: string,
    range: ByteRange | undefined,
  ): Promise<Result<ObjectBody, ObjectNotFound | StorageUnavailable>> {
    const opened = await this.openObject(key);
    if (opened.isErr()) return err(opened.error);
    const { file, meta } = opened.value;
    const info = infoOf(key, meta);
    let served: ByteRange | null = null;
    if (range !== undefined) {
      if (range.start >= meta.size) {
        await file.close().catch(() => undefined);
        return err(rangeMoved(key, range, meta.size));
      }
      served = { start: range.start, end: Math.min(range.end, meta.size - 1) };
    }
    if (meta.size === 0) {
      await file.close().catch(() => undefined);
      return ok({ info, range: served, stream: Readable.from([], { objectMode: false }) });
    }
    // A callback-API stream on the handle's descriptor: `FileHandle.createReadStream` reads
    // through promises and costs about twice the CPU per MiB (bench/download.ts). The handle (not
    // the stream) owns the descriptor and is closed once the stream ended, failed or was destroyed;
    // the listener keeps it referenced until then (a collected FileHandle would close the fd).
    const stream = createReadStream('', {
      fd: file.fd,
      start: served?.start ?? 0,
      end: served?.end ?? meta.size - 1,
      highWaterMark: CHUNK_BYTES,
      autoClose: false,
      emitClose: true,
    });
    finished(stream, () => {
      file.close().catch(() => undefined);
    });
    return ok({ info, range: served, stream });
  }

  private async remove(key: string): Promise<Result<void, StorageUnavailable>> {
    const path = this.pathOf(key);
    try {
      await unlink(path);
    } catch (cause) {
      if (isAbsent(cause)) return ok(undefined);
      return err(storageUnavailableFromFs(cause, 'delete', key));
    }
    await this.pruneEmptyDirectories(dirname(path));
    return ok(undefined);
  }

  private async removePrefix(prefix: string): Promise<Result<number, StorageUnavailable>> {
    const listed = await this.collect(prefix);
    if (listed.isErr()) return err(listed.error);
    let deleted = 0;
    const directories = new Set<string>();
    for (const key of listed.value) {
      const path = this.pathOf(key);
      try {
        await unlink(path);
        deleted += 1;
      } catch (cause) {
        if (!isAbsent(cause)) return err(storageUnavailableFromFs(cause, 'delete', key));
      }
      directories.add(dirname(path));
    }
    for (const dir of [...directories].sort((a, b) => b.length - a.length)) {
      await this.pruneEmptyDirectories(dir);
    }
    return ok(deleted);
  }

  /** Removes `dir` and its ancestors up to (not including) the objects directory while they are empty. */
  private async pruneEmptyDirectories(dir: string): Promise<void> {
    let current = dir;
    while (current.startsWith(this.objectsDir + sep)) {
      try {
        await rmdir(current);
      } catch {
        return; // not empty (ENOTEMPTY), already gone, or not ours to remove: stop quietly
      }
      current = dirname(current);
    }
  }

  private async collect(prefix: string): Promise<Result<string[], StorageUnavailable>> {
    const slash = prefix.lastIndexOf('/');
    const keys: string[] = [];
    try {
      await this.walk(slash === -1 ? '' : prefix.slice(0, slash), prefix, keys);
    } catch (cause) {
      return err(storageUnavailableFromFs(cause, 'list', prefix));
    }
    return ok(keys.sort(compareObjectKeys));
  }

  private async walk(dirKey: string, prefix: string, out: string[]): Promise<void> {
    let entries: Dirent[];
    try {
      entries = await readdir(dirKey === '' ? this.objectsDir : this.pathOf(dirKey), { withFileTypes: true });
    } catch (cause) {
      if (isAbsent(cause)) return;
      throw cause;
    }
    for (const entry of entries) {
      const key = dirKey === '' ? entry.name : `${dirKey}/${entry.name}`;
      if (entry.isDirectory()) {
        const asPrefix = `${key}/`;
        if (asPrefix.startsWith(prefix) || prefix.startsWith(asPrefix)) await this.walk(key, prefix, out);
      } else if (entry.isFile() && key.startsWith(prefix)) {
        out.push(key);
      }
    }
  }

  private async probe(): Promise<Result<void, StorageUnavailable>> {
    const key = `${CHECK_PREFIX}${randomBytes(8).toString('hex')}`;
    const payload = Buffer.from(`framecast storage check ${key}`, 'utf8');
    const fail = (message: string): Result<void, StorageUnavailable> =>
      err({
        type: 'StorageUnavailable',
        message: `disk storage: check failed: ${message}`,
        retryable: false,
      });
    const written = await this.putStream(key, Readable.from([payload]), { contentType: 'text/plain' });
    if (written.isErr()) return err(written.error);
    try {
      const body = await this.get(key);
      if (body.isErr()) {
        return body.error.type === 'ObjectNotFound' ? fail('the probe object vanished') : err(body.error);
      }
      let back: Buffer;
      try {
        back = await readAll(body.value.stream);
      } catch (cause) {
        return err(storageUnavailableFromFs(cause, 'check', key));
      }
      return back.equals(payload) ? ok(undefined) : fail('the probe object read back different bytes');
    } finally {
      await this.remove(key);
    }
  }
}

function infoOf(key: string, meta: DiskObjectMeta): StoredObjectInfo {
  return {
    key,
    size: meta.size,
    contentType: meta.contentType,
    etag: meta.etag,
    lastModified: new Date(meta.lastModified.getTime()),
  };
}

function notFound(key: string): ObjectNotFound {
  return { type: 'ObjectNotFound', key };
}

function rangeMoved(key: string, range: ByteRange, size: number): StorageUnavailable {
  return {
    type: 'StorageUnavailable',
    message:
      `disk storage: range ${range.start}-${range.end} of ${JSON.stringify(key)} starts past its end ` +
      `(${size} bytes): the object changed after the range was resolved`,
    retryable: true,
  };
}

/** ENOENT/ENOTDIR/EISDIR: the path is not an object (missing, or a directory of other keys). */
function isAbsent(cause: unknown): boolean {
  const code = errnoCode(cause);
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}

function toBytes(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  throw new TypeError(`body chunks must be bytes or strings, got ${typeof chunk}`);
}

async function writeAll(file: FileHandle, bytes: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await file.write(bytes, done, bytes.length - done, position + done);
    done += bytesWritten;
  }
}

function report(onProgress: ((bytes: number) => void) | undefined, bytes: number): void {
  if (onProgress === undefined) return;
  try {
    onProgress(bytes);
  } catch {
    // A progress observer must not fail the write.
  }
}

/** Makes the rename durable; some platforms cannot fsync a directory, which only weakens durability. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // best effort
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(toBytes(chunk));
  return Buffer.concat(chunks);
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
