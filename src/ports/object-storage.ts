import type { Readable } from 'node:stream';
import type { ResultAsync } from 'neverthrow';
import type { ByteRange } from '../domain/byte-range.js';
import type { ObjectNotFound, StorageUnavailable } from './errors.js';

export interface StoredObjectInfo {
  readonly key: string;
  /** Size in bytes. */
  readonly size: number;
  readonly contentType: string;
  /** Strong validator of the stored bytes (quoted, RFC 9110 §8.8.3). */
  readonly etag: string;
  readonly lastModified: Date;
  /** Version id when the store keeps versions. */
  readonly versionId?: string;
}

export interface ObjectBody {
  readonly info: StoredObjectInfo;
  /** The bytes of `range` (inclusive), or of the whole object when no range was asked. */
  readonly stream: Readable;
  readonly range: ByteRange | null;
}

export interface PutObjectOptions {
  readonly contentType: string;
  /** Called with bytes written so far. */
  readonly onProgress?: (bytes: number) => void;
}

/** Binary object store: local disk or S3 (DESIGN §6 key layout). Writes are atomic: a reader sees all or nothing. */
export interface ObjectStorage {
  /** Stores the local file at `filePath` under `key`, replacing any previous object. */
  putFile(
    key: string,
    filePath: string,
    options: PutObjectOptions,
  ): ResultAsync<StoredObjectInfo, StorageUnavailable>;
  /** Stores a stream under `key`. */
  putStream(
    key: string,
    body: Readable,
    options: PutObjectOptions,
  ): ResultAsync<StoredObjectInfo, StorageUnavailable>;
  head(key: string): ResultAsync<StoredObjectInfo, ObjectNotFound | StorageUnavailable>;
  /** Opens the object for reading, optionally one inclusive byte range already resolved against its size. */
  get(key: string, range?: ByteRange): ResultAsync<ObjectBody, ObjectNotFound | StorageUnavailable>;
  /** Deletes the object; deleting a missing key succeeds. */
  delete(key: string): ResultAsync<void, StorageUnavailable>;
  /** Deletes every object whose key starts with `prefix`. @returns how many were deleted. */
  deletePrefix(prefix: string): ResultAsync<number, StorageUnavailable>;
  /** Keys under `prefix`, sorted. */
  list(prefix: string): ResultAsync<string[], StorageUnavailable>;
  /**
   * A presigned GET URL valid for `expiresInSeconds`, or `null` when the store cannot presign
   * (local disk): the caller then streams the object itself.
   */
  presignGet(key: string, expiresInSeconds: number): ResultAsync<string | null, StorageUnavailable>;
  /** Writes, reads and deletes a probe object. */
  check(): ResultAsync<void, StorageUnavailable>;
}
