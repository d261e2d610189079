import { err, ok, ResultAsync } from 'neverthrow';
import { uploadIdsOf } from '../domain/upload.js';
import { findOwnedUpload } from './find-owned-upload.js';
/** Jobs read per page while looking for references. */
const PAGE = 100;
/**
 * Deletes one of the caller's uploads: its stored file, then its record (DELETE /uploads/{id}).
 * Refused with `UploadInUse` while a queued or processing job of the owner names it. The file
 * goes first, so a failure leaves a record that a retry deletes (deleting a missing file succeeds).
 */
export class DeleteUpload {
    deps;
    constructor(deps) {
        this.deps = deps;
    }
    execute(input) {
        const { uploads, storage } = this.deps;
        return findOwnedUpload(uploads, input.principal, input.uploadId)
            .andThen((upload) => new ResultAsync(this.activeJobsUsing(upload.ownerId, upload.id)).andThen((jobIds) => jobIds.length > 0
            ? err({ type: 'UploadInUse', uploadId: upload.id, jobIds })
            : ok(upload)))
            .andThen((upload) => storage.delete(upload.storageKey).map(() => upload))
            .andThen((upload) => uploads.delete(upload.id));
    }
    /** Ids of the owner's queued or processing jobs naming `uploadId` (at most 10). */
    async activeJobsUsing(ownerId, uploadId) {
        const found = [];
        let cursor;
        for (;;) {
            const page = await this.deps.jobs.list({
                ownerId,
                statuses: ['queued', 'processing'],
                sort: 'asc',
                limit: PAGE,
                ...(cursor !== undefined ? { cursor } : {}),
            });
            if (page.isErr()) {
                const e = page.error;
                // A cursor the store just made cannot be invalid.
                if (e.type === 'InvalidCursor')
                    throw new Error(`job list refused its own cursor ${e.cursor}`);
                return err(e);
            }
            for (const job of page.value.items)
                if (uploadIdsOf(job.spec).includes(uploadId) && found.length < 10)
                    found.push(job.id);
            if (page.value.nextCursor === null || found.length >= 10)
                return ok(found);
            cursor = page.value.nextCursor;
        }
    }
}
//# sourceMappingURL=delete-upload.js.map