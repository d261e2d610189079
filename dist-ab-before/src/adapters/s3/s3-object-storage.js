import { randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { CreateBucketCommand, DeleteObjectCommand, DeleteObjectsCommand, GetObjectCommand, HeadBucketCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, UploadPartCommand, } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { err, ok, ResultAsync } from 'neverthrow';
import { assertByteRangeShape, assertObjectKey, assertObjectPrefix, compareObjectKeys, } from '../fs/object-key.js';
import { classifyS3Error, describeS3Error, redact, storageUnavailable } from './s3-error.js';
import { createS3ResiliencePolicy } from './s3-resilience.js';
const MIB = 1024 * 1024;
const MIN_PART_BYTES = 5 * MIB;
const DEFAULT_THRESHOLD_BYTES = 16 * MIB;
const DEFAULT_PART_BYTES = 8 * MIB;
const DELETE_BATCH = 1000;
const MAX_PRESIGN_SECONDS = 7 * 24 * 60 * 60;
const CHECK_PREFIX = '.framecast-check/';
const DEFAULT_CONTENT_TYPE = 'application/octet-stream';
/** errno codes of a source file read that may succeed later. */
const RETRYABLE_FS_CODES = new Set(['EMFILE', 'ENFILE', 'EIO', 'EAGAIN', 'EBUSY', 'ETIMEDOUT']);
/**
 * Builds the `S3Client` the adapter uses when none is given: SDK retries off (`maxAttempts: 1`,
 * the resilience policy retries), and checksums only when an operation requires them
 * (`'WHEN_REQUIRED'`): with the SDK's default, S3-compatible servers such as s3rver store a
 * streamed PutObject with its aws-chunked framing inside the object.
 */
export function createS3Client(options) {
    return new S3Client({
        region: options.region,
        ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
        forcePathStyle: options.forcePathStyle ?? false,
        ...(options.credentials !== undefined ? { credentials: { ...options.credentials } } : {}),
        maxAttempts: 1,
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
    });
}
/**
 * `ObjectStorage` on Amazon S3 or an S3-compatible server (DESIGN §6).
 *
 * - Writes: bodies up to `multipartThresholdBytes` are buffered (streams) or streamed from the file
 *   and stored with one PutObject, retried by the policy; larger ones go through
 *   `@aws-sdk/lib-storage` `Upload` in `partSizeBytes` parts, each part retried by the policy (a
 *   failed upload is aborted, leaving no parts). S3 writes are atomic: readers see all or nothing.
 * - Reads: `get` passes the resolved range as `Range: bytes=a-b`; the body streams straight from
 *   the response (the policy's timeout covers only the wait for the headers). A range starting past
 *   the end (416: the object changed since the caller resolved the range) is `StorageUnavailable`,
 *   retryable, as on disk.
 * - Info: ETag as S3 sends it (quoted; MD5 for simple puts, `"...-N"` for multipart), the
 *   content type stored with the object, `versionId` when the bucket is versioned. `lastModified`
 *   of a write is the local time it was acknowledged (S3 does not return it on PUT).
 * - Keys follow `object-key.ts` (bad key: `InvalidObjectKeyError`, thrown). `list` sorts by UTF-8 bytes.
 * - Errors: `NoSuchKey`/`NotFound` -> `ObjectNotFound`; anything else -> `StorageUnavailable` with
 *   `retryable` from {@link isRetryableS3Error}; an open circuit or a timeout is retryable.
 *   Messages name the action, key and bucket, never credentials or signatures.
 */
export class S3ObjectStorage {
    client;
    bucket;
    endpointLabel;
    policy;
    thresholdBytes;
    partSizeBytes;
    queueSize;
    transfer;
    createBucketIfMissing;
    secrets;
    /** @throws TypeError/RangeError for an empty bucket or sizes out of range (programmer errors). */
    constructor(options) {
        if (typeof options.bucket !== 'string' || options.bucket.trim() === '') {
            throw new TypeError('S3ObjectStorage: bucket must be a non-empty string');
        }
        this.bucket = options.bucket;
        this.thresholdBytes = integerAtLeast('multipartThresholdBytes', options.multipartThresholdBytes ?? DEFAULT_THRESHOLD_BYTES, 0);
        this.partSizeBytes = integerAtLeast('partSizeBytes', options.partSizeBytes ?? DEFAULT_PART_BYTES, MIN_PART_BYTES);
        this.queueSize = integerAtLeast('uploadQueueSize', options.uploadQueueSize ?? 4, 1);
        this.transfer = options.transferTimeoutMs !== undefined ? { timeoutMs: options.transferTimeoutMs } : {};
        this.createBucketIfMissing = options.createBucketIfMissing ?? false;
        this.policy = options.resilience ?? createS3ResiliencePolicy();
        this.client = options.client ?? createS3Client(options);
        this.endpointLabel = endpointLabel(options.endpoint, options.region);
        const { credentials } = options;
        this.secrets = credentials
            ? [credentials.secretAccessKey, credentials.accessKeyId, credentials.sessionToken ?? ''].filter((s) => s !== '')
            : [];
    }
    /** The resilience policy's state (`closed | open | half-open` and counters), for health output. */
    resilienceState() {
        return this.policy.state();
    }
    /**
     * Checks at start-up that the bucket exists and answers (HeadBucket); with
     * `createBucketIfMissing`, creates it when missing.
     * @returns `StorageUnavailable` naming the bucket and endpoint: missing bucket, access denied,
     *   wrong region, or endpoint unreachable.
     */
    ensureBucket() {
        return new ResultAsync(this.checkBucket());
    }
    /**
     * Stores the local file at `filePath` under `key`: one PutObject up to the multipart threshold
     * (retried by reopening the file), a multipart upload above it. `onProgress` gets bytes sent.
     * @throws InvalidObjectKeyError for a bad key.
     * @returns the stored info, or `StorageUnavailable` (also when the file cannot be read: not
     *   retryable, and the message never holds the local path).
     */
    putFile(key, filePath, options) {
        assertObjectKey(key);
        return new ResultAsync(this.writeFile(key, filePath, options));
    }
    /**
     * Stores a stream of bytes (or strings) under `key`. Up to the multipart threshold the body is
     * buffered in memory and sent with one retryable PutObject; above it, a multipart upload with each
     * part retried. `onProgress` gets bytes sent (multipart: after each part).
     * @throws InvalidObjectKeyError for a bad key.
     * @returns the stored info, or `StorageUnavailable` (not retryable when `body` itself errored).
     */
    putStream(key, body, options) {
        assertObjectKey(key);
        const ignoreUntilRead = () => undefined;
        body.on('error', ignoreUntilRead);
        return new ResultAsync(this.writeStream(key, body, options).finally(() => body.off('error', ignoreUntilRead)));
    }
    /**
     * HeadObject. @throws InvalidObjectKeyError for a bad key.
     */
    head(key) {
        assertObjectKey(key);
        return new ResultAsync(this.policy
            .execute((signal) => this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }), { abortSignal: signal }))
            .then((output) => {
            const info = this.infoOfResponse(key, output, output.ContentLength);
            return info === null ? err(this.missingEtag('head', key)) : ok(info);
        }, (error) => err(this.readFailure('head', key, error))));
    }
    /**
     * GetObject, with `range` (inclusive byte offsets) sent as `Range: bytes=start-end`. The stream is
     * the HTTP response body: consume or destroy it (it holds a pooled connection until then).
     * @throws InvalidObjectKeyError for a bad key; RangeError for a malformed range.
     */
    get(key, range) {
        assertObjectKey(key);
        if (range !== undefined)
            assertByteRangeShape(range);
        return new ResultAsync(this.read(key, range));
    }
    /** DeleteObject; a missing key succeeds. @throws InvalidObjectKeyError for a bad key. */
    delete(key) {
        assertObjectKey(key);
        return new ResultAsync(this.policy
            .execute((signal) => this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }), {
            abortSignal: signal,
        }))
            .then(() => ok(undefined), (error) => err(this.unavailable('delete', key, error))));
    }
    /**
     * Deletes every object whose key starts with `prefix` (ListObjectsV2 pages of up to 1000 keys,
     * each removed with one DeleteObjects). @returns how many objects were deleted.
     * @throws InvalidObjectKeyError for a bad or empty prefix.
     */
    deletePrefix(prefix) {
        assertObjectPrefix(prefix, { allowEmpty: false });
        return new ResultAsync(this.removePrefix(prefix));
    }
    /**
     * Keys starting with `prefix` (`''` for all), every page of ListObjectsV2, sorted by UTF-8 bytes.
     * @throws InvalidObjectKeyError for a bad prefix.
     */
    list(prefix) {
        assertObjectPrefix(prefix, { allowEmpty: true });
        return new ResultAsync(this.collect(prefix));
    }
    /**
     * A presigned GET URL for `key`, valid for `expiresInSeconds` (1 s to 7 days). Signing is local:
     * no request is made and the object's existence is not checked.
     * @throws InvalidObjectKeyError for a bad key; RangeError for an expiry out of range.
     */
    presignGet(key, expiresInSeconds) {
        assertObjectKey(key);
        assertExpiry(expiresInSeconds);
        return this.presign(key, new GetObjectCommand({ Bucket: this.bucket, Key: key }), expiresInSeconds);
    }
    /**
     * A presigned PUT URL for a direct upload to `key`, valid for `expiresInSeconds` (1 s to 7 days).
     * The uploader must send `Content-Type: contentType` (it is part of the signature).
     * @throws InvalidObjectKeyError for a bad key; RangeError for an expiry out of range.
     */
    presignPut(key, contentType, expiresInSeconds) {
        assertObjectKey(key);
        assertExpiry(expiresInSeconds);
        return this.presign(key, new PutObjectCommand({ Bucket: this.bucket, Key: key, ContentType: contentType }), expiresInSeconds);
    }
    /** Puts a small probe object under `.framecast-check/`, reads it back, compares and deletes it. */
    check() {
        return new ResultAsync(this.probe());
    }
    // --- internals -------------------------------------------------------------------------------
    async checkBucket() {
        const where = `S3 bucket ${JSON.stringify(this.bucket)} at ${this.endpointLabel}`;
        const failed = (what, error, retryable) => err({
            type: 'StorageUnavailable',
            message: `s3 storage: ${what} (${describeS3Error(error, this.secrets)})`,
            retryable,
        });
        try {
            await this.policy.execute((signal) => this.client.send(new HeadBucketCommand({ Bucket: this.bucket }), { abortSignal: signal }));
            return ok(undefined);
        }
        catch (error) {
            const { name, status } = errorShape(error);
            if (status === 404 || name === 'NotFound' || name === 'NoSuchBucket') {
                if (!this.createBucketIfMissing) {
                    return failed(`${where} does not exist: create it, or check S3_BUCKET and S3_ENDPOINT`, error, false);
                }
                return this.createBucket(where);
            }
            if (status === 403) {
                return failed(`access to ${where} is denied: check the credentials and the bucket policy`, error, false);
            }
            if (status === 301 || status === 400) {
                return failed(`${where} refused the request: check S3_REGION and S3_FORCE_PATH_STYLE`, error, false);
            }
            const failure = classifyS3Error(error, this.secrets);
            const retryable = failure.kind === 'unavailable' ? failure.retryable : false;
            return failed(`cannot reach ${where}`, error, retryable);
        }
    }
    async createBucket(where) {
        try {
            await this.policy.execute((signal) => this.client.send(new CreateBucketCommand({ Bucket: this.bucket }), { abortSignal: signal }));
            return ok(undefined);
        }
        catch (error) {
            const { name } = errorShape(error);
            if (name === 'BucketAlreadyOwnedByYou')
                return ok(undefined);
            const failure = classifyS3Error(error, this.secrets);
            return err({
                type: 'StorageUnavailable',
                message: `s3 storage: ${where} is missing and could not be created (${describeS3Error(error, this.secrets)})`,
                retryable: failure.kind === 'unavailable' ? failure.retryable : false,
            });
        }
    }
    async writeStream(key, body, options) {
        const progress = progressReporter(options.onProgress);
        const iterator = body[Symbol.asyncIterator].call(body);
        const head = [];
        let headBytes = 0;
        let ended = false;
        try {
            while (headBytes <= this.thresholdBytes) {
                const next = await iterator.next();
                if (next.done === true) {
                    ended = true;
                    break;
                }
                const bytes = toBytes(next.value);
                head.push(bytes);
                headBytes += bytes.length;
            }
        }
        catch (cause) {
            body.destroy();
            return err(this.sourceFailure(key, cause));
        }
        if (ended) {
            const bytes = Buffer.concat(head, headBytes);
            return this.putOnce(key, options.contentType, () => bytes, bytes.length, progress);
        }
        const source = new SourceTap([...head], iterator);
        const result = await this.putMultipart(key, options.contentType, source, progress);
        if (result.isErr())
            body.destroy();
        return result;
    }
    async writeFile(key, filePath, options) {
        const progress = progressReporter(options.onProgress);
        let file;
        let size;
        try {
            file = await open(filePath, 'r');
        }
        catch (cause) {
            return err(this.sourceFileFailure(key, cause));
        }
        try {
            try {
                const stat = await file.stat();
                if (!stat.isFile())
                    return err(this.sourceFileFailure(key, Object.assign(new Error(), { code: 'EISDIR' })));
                size = stat.size;
            }
            catch (cause) {
                return err(this.sourceFileFailure(key, cause));
            }
            if (size <= this.thresholdBytes) {
                // Each attempt streams the file afresh from offset 0, so the policy may retry it.
                return await this.putOnce(key, options.contentType, () => size === 0
                    ? Buffer.alloc(0)
                    : file.createReadStream({
                        start: 0,
                        end: size - 1,
                        autoClose: false,
                        highWaterMark: 256 * 1024,
                    }), size, progress);
            }
            const source = new SourceTap([], undefined, file.createReadStream({ autoClose: false, highWaterMark: 1024 * 1024 }));
            return await this.putMultipart(key, options.contentType, source, progress, size);
        }
        finally {
            await file.close().catch(() => undefined);
        }
    }
    /** One PutObject under the policy; `makeBody` is called per attempt so retries resend the bytes. */
    async putOnce(key, contentType, makeBody, size, progress) {
        try {
            const output = await this.policy.execute(async (signal) => {
                const body = makeBody();
                try {
                    return await this.client.send(new PutObjectCommand({
                        Bucket: this.bucket,
                        Key: key,
                        Body: body,
                        ContentLength: size,
                        ContentType: contentType,
                    }), { abortSignal: signal });
                }
                finally {
                    if (body instanceof Readable)
                        body.destroy();
                }
            }, this.transfer);
            progress(size);
            return this.written(key, size, contentType, output.ETag, output.VersionId);
        }
        catch (error) {
            return err(this.unavailable('write', key, error));
        }
    }
    async putMultipart(key, contentType, source, progress, expectedSize) {
        const upload = new Upload({
            client: this.resilientClient(),
            partSize: this.partSizeBytes,
            queueSize: this.queueSize,
            leavePartsOnError: false,
            params: {
                Bucket: this.bucket,
                Key: key,
                Body: Readable.from(source.chunks(), { objectMode: false }),
                ContentType: contentType,
                ...(expectedSize !== undefined ? { ContentLength: expectedSize } : {}),
            },
        });
        upload.on('httpUploadProgress', (event) => {
            if (event.loaded !== undefined)
                progress(event.loaded);
        });
        try {
            const output = await upload.done();
            progress(source.bytes);
            return this.written(key, source.bytes, contentType, output.ETag, output.VersionId);
        }
        catch (error) {
            if (source.failure !== undefined) {
                return err(expectedSize === undefined
                    ? this.sourceFailure(key, source.failure)
                    : this.sourceFileFailure(key, source.failure));
            }
            return err(this.unavailable('write', key, error));
        }
        finally {
            source.close();
        }
    }
    /**
     * The client handed to `Upload`: each request it sends (CreateMultipartUpload, every UploadPart,
     * CompleteMultipartUpload, AbortMultipartUpload) goes through the policy. Part bodies are
     * buffers, so a part can be retried.
     */
    resilientClient() {
        const { client, policy, transfer } = this;
        const send = (command) => policy.execute((signal) => client.send(command, { abortSignal: signal }), command instanceof UploadPartCommand || command instanceof PutObjectCommand ? transfer : {});
        return new Proxy(client, {
            get(target, property) {
                if (property === 'send')
                    return send;
                return Reflect.get(target, property, target);
            },
        });
    }
    written(key, size, contentType, etag, versionId) {
        if (etag === undefined || etag === '')
            return err(this.missingEtag('write', key));
        return ok({
            key,
            size,
            contentType,
            etag: quoteEtag(etag),
            lastModified: new Date(),
            ...(versionId !== undefined && versionId !== '' && versionId !== 'null' ? { versionId } : {}),
        });
    }
    async read(key, range) {
        let output;
        try {
            output = await this.policy.execute((signal) => this.client.send(new GetObjectCommand({
                Bucket: this.bucket,
                Key: key,
                ...(range !== undefined ? { Range: `bytes=${range.start}-${range.end}` } : {}),
            }), { abortSignal: signal }));
        }
        catch (error) {
            if (range !== undefined && classifyS3Error(error).kind === 'range-not-satisfiable') {
                return err({
                    type: 'StorageUnavailable',
                    message: `s3 storage: range ${range.start}-${range.end} of ${JSON.stringify(key)} in bucket ` +
                        `${JSON.stringify(this.bucket)} starts past its end: the object changed after the range was resolved`,
                    retryable: true,
                });
            }
            return err(this.readFailure('read', key, error));
        }
        const stream = toReadable(output.Body);
        const served = range === undefined ? null : parseContentRange(output.ContentRange);
        const size = served?.size ?? output.ContentLength;
        const info = this.infoOfResponse(key, output, size);
        if (info === null) {
            stream.destroy();
            return err(this.missingEtag('read', key));
        }
        if (range === undefined)
            return ok({ info, range: null, stream });
        if (served !== null)
            return ok({ info, range: { start: served.start, end: served.end }, stream });
        // The server ignored the Range header and sent the whole object: cut the range out here.
        if (range.start >= info.size) {
            stream.destroy();
            return err({
                type: 'StorageUnavailable',
                message: `s3 storage: range ${range.start}-${range.end} of ${JSON.stringify(key)} starts past its end: the object changed after the range was resolved`,
                retryable: true,
            });
        }
        const clamped = { start: range.start, end: Math.min(range.end, info.size - 1) };
        return ok({ info, range: clamped, stream: sliceStream(stream, clamped) });
    }
    async removePrefix(prefix) {
        let deleted = 0;
        let token;
        try {
            do {
                const page = await this.policy.execute((signal) => this.client.send(new ListObjectsV2Command({
                    Bucket: this.bucket,
                    Prefix: prefix,
                    MaxKeys: DELETE_BATCH,
                    ...(token !== undefined ? { ContinuationToken: token } : {}),
                }), { abortSignal: signal }));
                const keys = (page.Contents ?? []).flatMap((entry) => entry.Key !== undefined && entry.Key.startsWith(prefix) ? [entry.Key] : []);
                if (keys.length > 0) {
                    const result = await this.policy.execute((signal) => this.client.send(new DeleteObjectsCommand({
                        Bucket: this.bucket,
                        Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true },
                    }), { abortSignal: signal }));
                    const errors = result.Errors ?? [];
                    const first = errors[0];
                    if (first !== undefined) {
                        const code = first.Code ?? 'Error';
                        return err(storageUnavailable('delete under prefix', JSON.stringify(prefix), this.bucket, redact(`${errors.length} of ${keys.length} keys failed, first ${JSON.stringify(first.Key)}: ${code} ${first.Message ?? ''}`.trim(), this.secrets), code === 'SlowDown' || code === 'InternalError' || code === 'ServiceUnavailable'));
                    }
                    deleted += keys.length;
                }
                token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
            } while (token !== undefined);
        }
        catch (error) {
            return err(this.unavailable('delete under prefix', prefix, error));
        }
        return ok(deleted);
    }
    async collect(prefix) {
        const keys = [];
        let token;
        try {
            do {
                const page = await this.policy.execute((signal) => this.client.send(new ListObjectsV2Command({
                    Bucket: this.bucket,
                    ...(prefix !== '' ? { Prefix: prefix } : {}),
                    ...(token !== undefined ? { ContinuationToken: token } : {}),
                }), { abortSignal: signal }));
                for (const entry of page.Contents ?? []) {
                    if (entry.Key !== undefined && entry.Key.startsWith(prefix))
                        keys.push(entry.Key);
                }
                token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
            } while (token !== undefined);
        }
        catch (error) {
            return err(this.unavailable('list', prefix, error));
        }
        return ok(keys.sort(compareObjectKeys));
    }
    presign(key, command, expiresIn) {
        return ResultAsync.fromPromise(getSignedUrl(this.client, command, { expiresIn }), (error) => this.unavailable('presign', key, error));
    }
    async probe() {
        const key = `${CHECK_PREFIX}${randomBytes(8).toString('hex')}`;
        const payload = Buffer.from(`framecast storage check ${key}`, 'utf8');
        const fail = (message) => err({ type: 'StorageUnavailable', message: `s3 storage: check failed: ${message}`, retryable: false });
        const written = await this.putOnce(key, 'text/plain', () => payload, payload.length, () => undefined);
        if (written.isErr())
            return err(written.error);
        try {
            const body = await this.read(key, undefined);
            if (body.isErr()) {
                return body.error.type === 'ObjectNotFound' ? fail('the probe object vanished') : err(body.error);
            }
            let back;
            try {
                back = await readAll(body.value.stream);
            }
            catch (error) {
                return err(this.unavailable('check', key, error));
            }
            return back.equals(payload) ? ok(undefined) : fail('the probe object read back different bytes');
        }
        finally {
            await this.delete(key);
        }
    }
    infoOfResponse(key, output, size) {
        if (output.ETag === undefined || output.ETag === '')
            return null;
        const versionId = output.VersionId;
        return {
            key,
            size: size ?? 0,
            contentType: output.ContentType ?? DEFAULT_CONTENT_TYPE,
            etag: quoteEtag(output.ETag),
            lastModified: output.LastModified ?? new Date(),
            ...(versionId !== undefined && versionId !== '' && versionId !== 'null' ? { versionId } : {}),
        };
    }
    readFailure(action, key, error) {
        const failure = classifyS3Error(error, this.secrets);
        if (failure.kind === 'not-found')
            return { type: 'ObjectNotFound', key };
        return this.unavailable(action, key, error);
    }
    unavailable(action, key, error) {
        const failure = classifyS3Error(error, this.secrets);
        const retryable = failure.kind === 'unavailable' ? failure.retryable : false;
        return storageUnavailable(action, JSON.stringify(key), this.bucket, describeS3Error(error, this.secrets), retryable);
    }
    missingEtag(action, key) {
        return storageUnavailable(action, JSON.stringify(key), this.bucket, 'the response carried no ETag', false);
    }
    sourceFailure(key, cause) {
        return {
            type: 'StorageUnavailable',
            message: `s3 storage: the body stream of ${JSON.stringify(key)} failed (${redact(describeCause(cause), this.secrets)})`,
            retryable: false,
        };
    }
    sourceFileFailure(key, cause) {
        const code = errorShape(cause).code;
        return {
            type: 'StorageUnavailable',
            // The errno only: the message would hold the absolute path.
            message: `s3 storage: cannot read the source file of ${JSON.stringify(key)} (${code ?? 'read error'})`,
            retryable: code !== undefined && RETRYABLE_FS_CODES.has(code),
        };
    }
}
/**
 * Feeds the bytes of a body to `Upload` and remembers whether the body (not S3) failed.
 * Holds the chunks already read (the stream's head, read to choose between put and multipart),
 * then the rest of the iterator or stream.
 */
class SourceTap {
    head;
    iterator;
    stream;
    /** Bytes handed to the upload so far. */
    bytes = 0;
    /** The error of the source, if it failed. */
    failure = undefined;
    constructor(head, iterator, stream) {
        this.head = head;
        this.iterator = iterator;
        this.stream = stream;
    }
    async *chunks() {
        for (const chunk of this.head.splice(0)) {
            this.bytes += chunk.length;
            yield chunk;
        }
        const rest = this.iterator ??
            this.stream?.[Symbol.asyncIterator]();
        if (rest === undefined)
            return;
        for (;;) {
            let next;
            try {
                next = await rest.next();
            }
            catch (cause) {
                this.failure = cause;
                throw cause;
            }
            if (next.done === true)
                return;
            const bytes = toBytes(next.value);
            this.bytes += bytes.length;
            yield bytes;
        }
    }
    close() {
        this.stream?.destroy();
    }
}
function progressReporter(onProgress) {
    let reported = -1;
    return (bytes) => {
        if (onProgress === undefined || bytes <= reported)
            return;
        reported = bytes;
        try {
            onProgress(bytes);
        }
        catch {
            // A progress observer must not fail the write.
        }
    };
}
function toBytes(chunk) {
    if (Buffer.isBuffer(chunk))
        return chunk;
    if (chunk instanceof Uint8Array)
        return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (typeof chunk === 'string')
        return Buffer.from(chunk, 'utf8');
    throw new TypeError(`body chunks must be bytes or strings, got ${typeof chunk}`);
}
function toReadable(body) {
    if (body instanceof Readable)
        return body;
    if (body === undefined || body === null)
        return Readable.from([], { objectMode: false });
    if (body instanceof Uint8Array || typeof body === 'string')
        return Readable.from([toBytes(body)], { objectMode: false });
    if (typeof body === 'object' && Symbol.asyncIterator in body) {
        return Readable.from(body, { objectMode: false });
    }
    if (typeof ReadableStream !== 'undefined' && body instanceof ReadableStream) {
        return Readable.fromWeb(body);
    }
    throw new TypeError('S3 GetObject returned a body that is not a stream');
}
/** Parses `Content-Range: bytes a-b/size` (size may be `*`). */
function parseContentRange(header) {
    if (header === undefined)
        return null;
    const m = /^\s*bytes\s+(\d+)-(\d+)\/(\d+|\*)\s*$/i.exec(header);
    if (!m)
        return null;
    const [, a = '', b = '', total = '*'] = m;
    return { start: Number(a), end: Number(b), size: total === '*' ? undefined : Number(total) };
}
/** The bytes of `range` (inclusive offsets) out of a stream of the whole object. */
function sliceStream(stream, range) {
    return Readable.from((async function* () {
        let offset = 0;
        try {
            for await (const chunk of stream) {
                const bytes = toBytes(chunk);
                const from = Math.max(range.start - offset, 0);
                const to = Math.min(range.end + 1 - offset, bytes.length);
                if (to > from)
                    yield bytes.subarray(from, to);
                offset += bytes.length;
                if (offset > range.end)
                    return;
            }
        }
        finally {
            stream.destroy();
        }
    })(), { objectMode: false });
}
async function readAll(stream) {
    const chunks = [];
    for await (const chunk of stream)
        chunks.push(toBytes(chunk));
    return Buffer.concat(chunks);
}
function quoteEtag(etag) {
    return etag.startsWith('"') || etag.startsWith('W/"') ? etag : `"${etag}"`;
}
function errorShape(error) {
    if (typeof error !== 'object' || error === null)
        return {};
    const e = error;
    const status = e.$metadata?.httpStatusCode;
    return {
        ...(typeof e.name === 'string' ? { name: e.name } : {}),
        ...(typeof e.code === 'string' ? { code: e.code } : {}),
        ...(typeof status === 'number' ? { status } : {}),
    };
}
function describeCause(cause) {
    return cause instanceof Error ? cause.message : String(cause);
}
/** The endpoint for messages: scheme, host and port only (no user info, path or query). */
function endpointLabel(endpoint, region) {
    if (endpoint === undefined)
        return `the AWS endpoint of region ${region}`;
    try {
        const url = new URL(endpoint);
        return `${url.protocol}//${url.host}`;
    }
    catch {
        return 'the configured endpoint (not a valid URL)';
    }
}
function integerAtLeast(what, value, min) {
    if (!Number.isSafeInteger(value) || value < min) {
        throw new RangeError(`S3ObjectStorage: ${what} must be an integer >= ${min}, got ${value}`);
    }
    return value;
}
function assertExpiry(seconds) {
    if (!Number.isSafeInteger(seconds) || seconds < 1 || seconds > MAX_PRESIGN_SECONDS) {
        throw new RangeError(`presign expiry must be an integer from 1 to ${MAX_PRESIGN_SECONDS} seconds, got ${seconds}`);
    }
}
//# sourceMappingURL=s3-object-storage.js.map