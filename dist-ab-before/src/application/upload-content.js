import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { err, ok, ResultAsync } from 'neverthrow';
import { PURPOSE_KIND, sanitizeFileName, textMediaTypeFor, uploadKindOf, uploadStorageKey, Utf8TextCheck, } from '../domain/upload.js';
const notText = (check) => ({
    type: 'UnsupportedMediaType',
    detected: null,
    reason: `the text ${check.problem ?? 'is invalid'}`,
});
/** Thrown inside the feed to stop the storage write; the use case reports `failure` instead. */
class FeedStopped extends Error {
}
/**
 * Stores an uploaded file (POST /uploads/content): decides its media type from its first bytes
 * (magic numbers; text only when the name ends in .txt/.md/.markdown and the whole content is
 * UTF-8 without NUL bytes), streams it to object storage under `{prefix}/{ownerId}/uploads/{id}`
 * while counting and hashing (SHA-256), and records it. Over the size limit, or text that turns
 * out not to be text, the write is aborted and the partial object deleted: nothing is stored.
 */
export class UploadContent {
    deps;
    constructor(deps) {
        this.deps = deps;
    }
    /** @returns the stored upload, or why not (413/415/422/503 at the HTTP edge). */
    execute(input) {
        return new ResultAsync(this.run(input));
    }
    async run(input) {
        const { storage, detector, settings } = this.deps;
        const source = input.body[Symbol.asyncIterator]();
        const drain = async () => {
            for (;;)
                if ((await source.next()).done)
                    return;
        };
        // 1. The first bytes decide the type, before anything is stored.
        const head = [];
        let headBytes = 0;
        let ended = false;
        while (headBytes < detector.sampleBytes) {
            const next = await source.next();
            if (next.done) {
                ended = true;
                break;
            }
            const chunk = Buffer.from(next.value);
            head.push(chunk);
            headBytes += chunk.length;
        }
        const first = Buffer.concat(head);
        const fail = async (error) => {
            if (!ended)
                await drain();
            return err(error);
        };
        if (first.length === 0)
            return fail({ type: 'InvalidUploadRequest', issues: [{ path: 'file', message: 'must not be empty' }] });
        if (first.length > settings.maxBytes)
            return fail({ type: 'UploadTooLarge', maxBytes: settings.maxBytes });
        const fileName = sanitizeFileName(input.fileName);
        const magic = await detector.detect(first.subarray(0, detector.sampleBytes));
        let mediaType;
        let text = null;
        if (magic !== null) {
            if (uploadKindOf(magic) === null)
                return fail({
                    type: 'UnsupportedMediaType',
                    detected: magic,
                    reason: `${magic} is not an accepted type`,
                });
            mediaType = magic;
        }
        else {
            const textType = textMediaTypeFor(fileName);
            if (textType === null)
                return fail({
                    type: 'UnsupportedMediaType',
                    detected: null,
                    reason: 'the content matches no accepted type (text must be named .txt, .md or .markdown)',
                });
            mediaType = textType;
            text = new Utf8TextCheck();
        }
        const kind = uploadKindOf(mediaType);
        if (kind === null)
            throw new Error(`unreachable: ${mediaType} has no kind`);
        if (input.purpose !== undefined && PURPOSE_KIND[input.purpose] !== kind)
            return fail({
                type: 'InvalidUploadRequest',
                issues: [
                    {
                        path: 'purpose',
                        message: `a ${input.purpose} must be ${PURPOSE_KIND[input.purpose]} content; this file is ${mediaType}`,
                    },
                ],
            });
        // 2. Stream to storage, counting, hashing and (for text) checking every byte.
        const id = this.deps.ids.next();
        const key = uploadStorageKey(settings.storagePrefix, input.ownerId, id);
        const hash = createHash('sha256');
        let size = 0;
        // Set by the feed when it stops the write (an object, so the closures' writes are seen below).
        const state = { failure: null };
        const check = (chunk) => {
            size += chunk.length;
            if (size > settings.maxBytes)
                state.failure = { type: 'UploadTooLarge', maxBytes: settings.maxBytes };
            else if (text !== null && !text.push(chunk))
                state.failure = notText(text);
            if (state.failure !== null)
                throw new FeedStopped();
            hash.update(chunk);
            return chunk;
        };
        async function* feed() {
            yield check(first);
            while (!ended) {
                const next = await source.next();
                if (next.done)
                    ended = true;
                else
                    yield check(Buffer.from(next.value));
            }
            if (text !== null && !text.end()) {
                state.failure = notText(text);
                throw new FeedStopped();
            }
        }
        const put = await storage.putStream(key, Readable.from(feed()), {
            contentType: text !== null ? `${mediaType}; charset=utf-8` : mediaType,
        });
        if (state.failure !== null || put.isErr()) {
            const deleted = await storage.delete(key);
            if (deleted.isErr())
                this.deps.logger.warn({ key, err: deleted.error.message }, 'could not delete a refused upload');
            if (state.failure !== null)
                return fail(state.failure);
            if (put.isErr())
                return fail(put.error);
        }
        if (put.isErr())
            throw new Error('unreachable: a failed write returned above');
        // 3. Record it; an unrecorded object is removed.
        const upload = {
            id,
            ownerId: input.ownerId,
            storageKey: key,
            fileName,
            mediaType,
            kind,
            sizeBytes: size,
            sha256: hash.digest('hex'),
            purpose: input.purpose ?? null,
            versionId: put.value.versionId ?? null,
            createdAt: this.deps.clock.now(),
        };
        const stored = await this.deps.uploads.insert(upload);
        if (stored.isErr()) {
            await storage.delete(key);
            return err(stored.error);
        }
        return ok(stored.value);
    }
}
//# sourceMappingURL=upload-content.js.map