import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import { owns, type Principal } from '../domain/principal.js';
import type { Upload } from '../domain/upload.js';
import type { DatabaseUnavailable } from '../ports/errors.js';
import type { UploadNotFound, UploadRepository } from '../ports/upload-repository.js';

/**
 * The upload `uploadId` if `principal` owns it. Another user's upload answers `UploadNotFound`,
 * exactly like a missing one, so ids cannot be probed.
 */
export function findOwnedUpload(
  uploads: UploadRepository,
  principal: Principal,
  uploadId: string,
): ResultAsync<Upload, UploadNotFound | DatabaseUnavailable> {
  return uploads
    .findById(uploadId)
    .andThen((upload) =>
      owns(principal, upload.ownerId)
        ? okAsync(upload)
        : errAsync({ type: 'UploadNotFound' as const, uploadId }),
    );
}
