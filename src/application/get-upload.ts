import type { ResultAsync } from 'neverthrow';
import type { Principal } from '../domain/principal.js';
import type { Upload } from '../domain/upload.js';
import type { DatabaseUnavailable } from '../ports/errors.js';
import type { UploadNotFound, UploadRepository } from '../ports/upload-repository.js';
import { findOwnedUpload } from './find-owned-upload.js';

export type GetUploadError = UploadNotFound | DatabaseUnavailable;

/** The metadata of one of the caller's uploads (GET /uploads/{uploadId}). */
export class GetUpload {
  constructor(private readonly deps: { readonly uploads: UploadRepository }) {}

  /** @returns the upload, or `UploadNotFound` (also for another user's upload). */
  execute(input: { principal: Principal; uploadId: string }): ResultAsync<Upload, GetUploadError> {
    return findOwnedUpload(this.deps.uploads, input.principal, input.uploadId);
  }
}
