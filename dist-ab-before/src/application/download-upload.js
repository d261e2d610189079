import { findOwnedUpload } from './find-owned-upload.js';
/** Opens the stored bytes of one of the caller's uploads (GET /uploads/{uploadId}?download=true). */
export class DownloadUpload {
    deps;
    constructor(deps) {
        this.deps = deps;
    }
    /**
     * @returns the upload and a stream of its bytes (consume or destroy it), `UploadNotFound`
     *   (also for another user's), `ObjectNotFound` when the stored file is missing, or an outage.
     */
    execute(input) {
        return findOwnedUpload(this.deps.uploads, input.principal, input.uploadId).andThen((upload) => this.deps.storage.get(upload.storageKey).map((body) => ({ upload, body })));
    }
}
//# sourceMappingURL=download-upload.js.map