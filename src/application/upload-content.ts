import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { err, ok, ResultAsync, type Result } from 'neverthrow';
import type { FieldIssue } from '../domain/errors.js';
import {
  PURPOSE_KIND,
  sanitizeFileName,
  textMediaTypeFor,
  uploadKindOf,
  uploadStorageKey,
  Utf8TextCheck,
  type Upload,
  type UploadPurpose,
} from '../domain/upload.js';
import type { Clock } from '../ports/clock.js';
import type { DatabaseUnavailable, StorageUnavailable } from '../ports/errors.js';
import type { IdGenerator } from '../ports/id-generator.js';
import type { Logger } from '../ports/logger.js';
import type { MediaTypeDetector } from '../ports/media-type-detector.js';
import type { ObjectStorage } from '../ports/object-storage.js';
import type { UploadRepository } from '../ports/upload-repository.js';

/** The file is larger than the configured limit (`UPLOAD_MAX_BYTES`); nothing was stored. */
export interface UploadTooLarge {
  readonly type: 'UploadTooLarge';
  /** The limit in bytes. */
  readonly maxBytes: number;
}

/** The content is not an accepted image, audio or document type; nothing was stored. */
export interface UnsupportedMediaType {
  readonly type: 'UnsupportedMediaType';
  /** What the magic bytes said (`application/zip`), or `null` when nothing matched. */
  readonly detected: string | null;
  readonly reason: string;
}

/** The upload request itself is invalid (empty file, purpose that does not fit the content). */
export interface InvalidUploadRequest {
  readonly type: 'InvalidUploadRequest';
  readonly issues: readonly FieldIssue[];
}

export type UploadContentError =
  UploadTooLarge | UnsupportedMediaType | InvalidUploadRequest | StorageUnavailable | DatabaseUnavailable;

export interface UploadContentInput {
  readonly ownerId: string;
  /** The client's file name (sanitised here); only consulted for text, which has no magic bytes. */
  readonly fileName: string;
  readonly purpose?: UploadPurpose;
  /**
   * The file's bytes as they arrive. Read once, never buffered whole; on failure the rest is
   * drained so the request can be answered.
   */
  readonly body: AsyncIterable<Uint8Array>;
}

export interface UploadContentSettings {
  /** Largest accepted file, in bytes. */
  readonly maxBytes: number;
  /** First segment of object keys (the environment). */
  readonly storagePrefix: string;
}

type Failure = UploadTooLarge | UnsupportedMediaType;

const notText = (check: Utf8TextCheck): UnsupportedMediaType => ({
  type: 'UnsupportedMediaType',
  detected: null,
  reason: `the text ${check.problem ?? 'is invalid'}`,
});

/** Thrown inside the feed to stop the storage write; the use case reports `failure` instead. */
class FeedStopped extends Error {}

/**
 * Stores an uploaded file (POST /uploads/content): decides its media type from its first bytes
 * (magic numbers; text only when the name ends in .txt/.md/.markdown and the whole content is
 * UTF-8 without NUL bytes), streams it to object storage under `{prefix}/{ownerId}/uploads/{id}`
 * while counting and hashing (SHA-256), and records it. Over the size limit, or text that turns
 * out not to be text, the write is aborted and the partial object deleted: nothing is stored.
 */
export class UploadContent {
  constructor(
    private readonly deps: {
      readonly uploads: UploadRepository;
      readonly storage: ObjectStorage;
      readonly detector: MediaTypeDetector;
      readonly clock: Clock;
      readonly ids: IdGenerator;
      readonly logger: Logger;
      readonly settings: UploadContentSettings;
    },
  ) {}

  /** @returns the stored upload, or why not (413/415/422/503 at the HTTP edge). */
  execute(input: UploadContentInput): ResultAsync<Upload, UploadContentError> {
    return new ResultAsync(this.run(input));
  }

  private async run(input: UploadContentInput): Promise<Result<Upload, UploadContentError>> {
    const { storage, detector, settings } = this.deps;
    const source = input.body[Symbol.asyncIterator]();
    const drain = async (): Promise<void> => {
      for (;;) if ((await source.next()).done) return;
    };

    // 1. The first bytes decide the type, before anything is stored.
    const head: Buffer[] = [];
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
    const fail = async (error: UploadContentError): Promise<Result<Upload, UploadContentError>> => {
      if (!ended) await drain();
      return err(error);
    };
    if (first.length === 0)
      return fail({ type: 'InvalidUploadRequest', issues: [{ path: 'file', message: 'must not be empty' }] });
    if (first.length > settings.maxBytes)
      return fail({ type: 'UploadTooLarge', maxBytes: settings.maxBytes });

    const fileName = sanitizeFileName(input.fileName);
    const magic = await detector.detect(first.subarray(0, detector.sampleBytes));
    let mediaType: string;
    let text: Utf8TextCheck | null = null;
    if (magic !== null) {
      if (uploadKindOf(magic) === null)
        return fail({
          type: 'UnsupportedMediaType',
          detected: magic,
          reason: `${magic} is not an accepted type`,
        });
      mediaType = magic;
    } else {
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
    if (kind === null) throw new Error(`unreachable: ${mediaType} has no kind`);
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
    const state: { failure: Failure | null } = { failure: null };
    const check = (chunk: Buffer): Buffer => {
      size += chunk.length;
      if (size > settings.maxBytes) state.failure = { type: 'UploadTooLarge', maxBytes: settings.maxBytes };
      else if (text !== null && !text.push(chunk)) state.failure = notText(text);
      if (state.failure !== null) throw new FeedStopped();
      hash.update(chunk);
      return chunk;
    };
    async function* feed(): AsyncGenerator<Buffer> {
      yield check(first);
      while (!ended) {
        const next = await source.next();
        if (next.done) ended = true;
        else yield check(Buffer.from(next.value));
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
      if (state.failure !== null) return fail(state.failure);
      if (put.isErr()) return fail(put.error);
    }
    if (put.isErr()) throw new Error('unreachable: a failed write returned above');

    // 3. Record it; an unrecorded object is removed.
    const upload: Upload = {
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
