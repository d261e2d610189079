import type { ResultAsync } from 'neverthrow';
import type { Upload, UploadKind } from '../domain/upload.js';
import type { DatabaseUnavailable, InvalidCursor } from './errors.js';

/** No upload with this id (for this caller: another user's upload is reported the same way). */
export interface UploadNotFound {
  readonly type: 'UploadNotFound';
  readonly uploadId: string;
}

/** Largest page {@link UploadRepository.list} returns. */
export const UPLOAD_LIST_MAX_LIMIT = 100;

export interface UploadListQuery {
  readonly ownerId: string;
  /** Only uploads of this kind. */
  readonly kind?: UploadKind;
  /** Page size, clamped to 1–{@link UPLOAD_LIST_MAX_LIMIT}. */
  readonly limit: number;
  /** `nextCursor` of the previous page. */
  readonly cursor?: string;
}

export interface UploadPage {
  readonly items: readonly Upload[];
  /** Opaque cursor of the next page (keyset on `(createdAt, id)`, newest first), `null` at the end. */
  readonly nextCursor: string | null;
}

/** The records of uploaded files (their bytes live in ObjectStorage). */
export interface UploadRepository {
  /** Stores a new upload record. Ids are unique: a duplicate is a programmer error (rejects). */
  insert(upload: Upload): ResultAsync<Upload, DatabaseUnavailable>;
  /** The upload with this id, any owner. */
  findById(uploadId: string): ResultAsync<Upload, UploadNotFound | DatabaseUnavailable>;
  /** The uploads among `uploadIds` that exist (any owner), in no particular order. */
  findByIds(uploadIds: readonly string[]): ResultAsync<Upload[], DatabaseUnavailable>;
  /**
   * One page of an owner's uploads, newest first (ties by id, descending).
   * @returns the page, or `InvalidCursor` when `cursor` was not made by this store.
   */
  list(query: UploadListQuery): ResultAsync<UploadPage, InvalidCursor | DatabaseUnavailable>;
  /** Deletes the record. */
  delete(uploadId: string): ResultAsync<void, UploadNotFound | DatabaseUnavailable>;
}
