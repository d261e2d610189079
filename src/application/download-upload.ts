import type { ResultAsync } from 'neverthrow';
import type { Principal } from '../domain/principal.js';
import type { Upload } from '../domain/upload.js';
import type { DatabaseUnavailable, ObjectNotFound, StorageUnavailable } from '../ports/errors.js';
import type { ObjectBody, ObjectStorage } from '../ports/object-storage.js';
import type { UploadNotFound, UploadRepository } from '../ports/upload-repository.js';
import { findOwnedUpload } from './find-owned-upload.js';

export type DownloadUploadError = UploadNotFound | ObjectNotFound | StorageUnavailable | DatabaseUnavailable;

/** An upload and its opened bytes. */
export interface OpenedUpload {
  readonly upload: Upload;
  readonly body: ObjectBody;
}

/** Opens the stored bytes of one of the caller's uploads (GET /uploads/{uploadId}?download=true). */
export class DownloadUpload {
  constructor(
    private readonly deps: { readonly uploads: UploadRepository; readonly storage: ObjectStorage },
  ) {}

  /**
   * @returns the upload and a stream of its bytes (consume or destroy it), `UploadNotFound`
   *   (also for another user's), `ObjectNotFound` when the stored file is missing, or an outage.
   */
  execute(input: { principal: Principal; uploadId: string }): ResultAsync<OpenedUpload, DownloadUploadError> {
    return findOwnedUpload(this.deps.uploads, input.principal, input.uploadId).andThen((upload) =>
      this.deps.storage.get(upload.storageKey).map((body) => ({ upload, body })),
    );
  }
}
