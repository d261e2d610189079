import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { err, errAsync, ok, okAsync, ResultAsync } from 'neverthrow';
import { assertByteRangeShape, assertObjectKey, assertObjectPrefix, compareObjectKeys, } from '../fs/object-key.js';
const CHUNK_BYTES = 64 * 1024;
const systemClock = { now: () => new Date() };
/**
 * `ObjectStorage` in a `Map` of Buffers, for unit tests and single-process development; held to the
 * same contract suite as the disk and S3 adapters. ETag is the quoted hex SHA-256 of the bytes.
 * An object appears only when its body has been read completely (atomic, like the real stores).
 * Keys follow `object-key.ts` (a bad key throws `InvalidObjectKeyError`, as on disk).
 * `simulateOutage` makes every call fail, for testing callers' error paths.
 */
export class InMemoryObjectStorage {
    objects = new Map();
    clock;
    outage = null;
    constructor(options = {}) {
        this.clock = options.clock ?? systemClock;
    }
    /** From now on every call returns `error` (until called with `null`). */
    simulateOutage(error) {
        this.outage = error;
    }
    /**
     * Reads the local file at `filePath` and stores it under `key`.
     * @throws InvalidObjectKeyError for a bad key.
     * @returns the info, or `StorageUnavailable` when the file cannot be read (or during an outage).
     */
    putFile(key, filePath, options) {
        assertObjectKey(key);
        if (this.outage !== null)
            return errAsync(this.outage);
        return new ResultAsync(this.store(key, createReadStream(filePath), options, 'source file'));
    }
    /**
     * Reads `body` to its end and stores it under `key`; `onProgress` gets the bytes read so far.
     * @throws InvalidObjectKeyError for a bad key.
     * @returns the info, or `StorageUnavailable` (not retryable) when `body` errors.
     */
    putStream(key, body, options) {
        assertObjectKey(key);
        if (this.outage !== null)
            return errAsync(this.outage);
        return new ResultAsync(this.store(key, body, options, 'body stream'));
    }
    /** @throws InvalidObjectKeyError for a bad key. */
    head(key) {
        assertObjectKey(key);
        if (this.outage !== null)
            return errAsync(this.outage);
        const stored = this.objects.get(key);
        return stored === undefined ? errAsync(notFound(key)) : okAsync(copyInfo(stored.info));
    }
    /**
     * Streams a copy of the object (or of the inclusive `range`) in 64 KiB chunks. An `end` past the
     * last byte is clamped; a `start` past it is `StorageUnavailable` with `retryable: true` (the
     * object changed after the caller resolved the range), as on disk.
     * @throws InvalidObjectKeyError for a bad key; RangeError for a range that is not 0 <= start <= end integers.
     */
    get(key, range) {
        assertObjectKey(key);
        if (range !== undefined)
            assertByteRangeShape(range);
        if (this.outage !== null)
            return errAsync(this.outage);
        const stored = this.objects.get(key);
        if (stored === undefined)
            return errAsync(notFound(key));
        const { bytes, info } = stored;
        if (range === undefined)
            return okAsync({ info: copyInfo(info), range: null, stream: chunked(bytes) });
        if (range.start >= bytes.length) {
            return errAsync({
                type: 'StorageUnavailable',
                message: `memory storage: range ${range.start}-${range.end} of ${JSON.stringify(key)} starts past its end (${bytes.length} bytes)`,
                retryable: true,
            });
        }
        const served = { start: range.start, end: Math.min(range.end, bytes.length - 1) };
        return okAsync({
            info: copyInfo(info),
            range: served,
            stream: chunked(bytes.subarray(served.start, served.end + 1)),
        });
    }
    /** Deleting a missing key succeeds. @throws InvalidObjectKeyError for a bad key. */
    delete(key) {
        assertObjectKey(key);
        if (this.outage !== null)
            return errAsync(this.outage);
        this.objects.delete(key);
        return okAsync(undefined);
    }
    /** @returns how many objects were deleted. @throws InvalidObjectKeyError for a bad or empty prefix. */
    deletePrefix(prefix) {
        assertObjectPrefix(prefix, { allowEmpty: false });
        if (this.outage !== null)
            return errAsync(this.outage);
        let deleted = 0;
        for (const key of [...this.objects.keys()]) {
            if (key.startsWith(prefix) && this.objects.delete(key))
                deleted += 1;
        }
        return okAsync(deleted);
    }
    /** Keys starting with `prefix` (`''` for all), sorted by UTF-8 bytes. @throws InvalidObjectKeyError for a bad prefix. */
    list(prefix) {
        assertObjectPrefix(prefix, { allowEmpty: true });
        if (this.outage !== null)
            return errAsync(this.outage);
        return okAsync([...this.objects.keys()].filter((key) => key.startsWith(prefix)).sort(compareObjectKeys));
    }
    /** Always `ok(null)`: nothing to presign. @throws InvalidObjectKeyError for a bad key. */
    presignGet(key, _expiresInSeconds) {
        assertObjectKey(key);
        if (this.outage !== null)
            return errAsync(this.outage);
        return okAsync(null);
    }
    /** Succeeds unless an outage is simulated. */
    check() {
        return this.outage !== null ? errAsync(this.outage) : okAsync(undefined);
    }
    async store(key, body, options, source) {
        const chunks = [];
        const hash = createHash('sha256');
        let size = 0;
        try {
            for await (const chunk of body) {
                const bytes = Buffer.from(toBytes(chunk)); // a copy: the caller may reuse its buffers
                chunks.push(bytes);
                hash.update(bytes);
                size += bytes.length;
                report(options.onProgress, size);
            }
        }
        catch (cause) {
            return err({
                type: 'StorageUnavailable',
                message: `memory storage: the ${source} of ${JSON.stringify(key)} failed (${cause instanceof Error ? cause.message : String(cause)})`,
                retryable: false,
            });
        }
        if (this.outage !== null)
            return err(this.outage);
        const info = {
            key,
            size,
            contentType: options.contentType,
            etag: `"${hash.digest('hex')}"`,
            lastModified: this.clock.now(),
        };
        this.objects.set(key, { bytes: Buffer.concat(chunks, size), info });
        return ok(copyInfo(info));
    }
}
function notFound(key) {
    return { type: 'ObjectNotFound', key };
}
function copyInfo(info) {
    return { ...info, lastModified: new Date(info.lastModified.getTime()) };
}
function chunked(bytes) {
    return Readable.from((function* () {
        for (let offset = 0; offset < bytes.length; offset += CHUNK_BYTES) {
            yield Buffer.from(bytes.subarray(offset, offset + CHUNK_BYTES));
        }
    })(), { objectMode: false });
}
function toBytes(chunk) {
    if (chunk instanceof Uint8Array)
        return chunk;
    if (typeof chunk === 'string')
        return Buffer.from(chunk, 'utf8');
    throw new TypeError(`body chunks must be bytes or strings, got ${typeof chunk}`);
}
function report(onProgress, bytes) {
    if (onProgress === undefined)
        return;
    try {
        onProgress(bytes);
    }
    catch {
        // A progress observer must not fail the write.
    }
}
//# sourceMappingURL=in-memory-object-storage.js.map