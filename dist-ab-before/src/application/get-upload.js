import { findOwnedUpload } from './find-owned-upload.js';
/** The metadata of one of the caller's uploads (GET /uploads/{uploadId}). */
export class GetUpload {
    deps;
    constructor(deps) {
        this.deps = deps;
    }
    /** @returns the upload, or `UploadNotFound` (also for another user's upload). */
    execute(input) {
        return findOwnedUpload(this.deps.uploads, input.principal, input.uploadId);
    }
}
//# sourceMappingURL=get-upload.js.map