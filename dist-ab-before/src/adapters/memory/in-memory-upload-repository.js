import { err, ok, ResultAsync } from 'neverthrow';
import { invalidCursor } from '../../ports/errors.js';
import { UPLOAD_LIST_MAX_LIMIT, } from '../../ports/upload-repository.js';
import { decodeKeysetCursor, encodeKeysetCursor } from '../cursor/keyset-cursor.js';
/** Runs `step` on a later microtask; a throw (programmer error) rejects, as a database adapter's would. */
const later = (step) => new ResultAsync(Promise.resolve().then(step));
const copy = (upload) => ({ ...upload, createdAt: new Date(upload.createdAt) });
/** Newest first: `createdAt` descending, then id descending (byte order, as `COLLATE "C"`). */
const newestFirst = (a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
/** {@link UploadRepository} in memory, held to the same contract as the SQL adapter. */
export class InMemoryUploadRepository {
    uploads = new Map();
    /** @throws Error (the ResultAsync rejects) when an upload with this id exists. */
    insert(upload) {
        return later(() => {
            if (this.uploads.has(upload.id))
                throw new Error(`duplicate upload id ${upload.id}`);
            this.uploads.set(upload.id, copy(upload));
            return ok(copy(upload));
        });
    }
    findById(uploadId) {
        return later(() => {
            const upload = this.uploads.get(uploadId);
            return upload === undefined ? err({ type: 'UploadNotFound', uploadId }) : ok(copy(upload));
        });
    }
    findByIds(uploadIds) {
        return later(() => ok([...new Set(uploadIds)]
            .map((id) => this.uploads.get(id))
            .filter((u) => u !== undefined)
            .map(copy)));
    }
    list(query) {
        return later(() => {
            const after = query.cursor === undefined ? null : decodeKeysetCursor(query.cursor, 'desc');
            if (query.cursor !== undefined && after === null)
                return err(invalidCursor(query.cursor));
            const limit = Math.min(UPLOAD_LIST_MAX_LIMIT, Math.max(1, Math.floor(query.limit) || 1));
            const rest = [...this.uploads.values()]
                .filter((u) => u.ownerId === query.ownerId &&
                (query.kind === undefined || u.kind === query.kind) &&
                (after === null ||
                    u.createdAt.getTime() < after.at.getTime() ||
                    (u.createdAt.getTime() === after.at.getTime() && u.id < after.id)))
                .sort(newestFirst);
            const items = rest.slice(0, limit).map(copy);
            const last = items[items.length - 1];
            return ok({
                items,
                nextCursor: rest.length > limit && last !== undefined
                    ? encodeKeysetCursor({ sort: 'desc', at: last.createdAt, id: last.id })
                    : null,
            });
        });
    }
    delete(uploadId) {
        return later(() => this.uploads.delete(uploadId) ? ok(undefined) : err({ type: 'UploadNotFound', uploadId }));
    }
}
//# sourceMappingURL=in-memory-upload-repository.js.map