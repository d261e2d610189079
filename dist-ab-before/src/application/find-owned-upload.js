import { errAsync, okAsync } from 'neverthrow';
import { owns } from '../domain/principal.js';
/**
 * The upload `uploadId` if `principal` owns it. Another user's upload answers `UploadNotFound`,
 * exactly like a missing one, so ids cannot be probed.
 */
export function findOwnedUpload(uploads, principal, uploadId) {
    return uploads
        .findById(uploadId)
        .andThen((upload) => owns(principal, upload.ownerId)
        ? okAsync(upload)
        : errAsync({ type: 'UploadNotFound', uploadId }));
}
//# sourceMappingURL=find-owned-upload.js.map