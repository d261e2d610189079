import { err, ok, ResultAsync, type Result } from 'neverthrow';
import type { Upload } from '../../domain/upload.js';
import { invalidCursor, type DatabaseUnavailable, type InvalidCursor } from '../../ports/errors.js';
import {
  UPLOAD_LIST_MAX_LIMIT,
  type UploadListQuery,
  type UploadNotFound,
  type UploadPage,
  type UploadRepository,
} from '../../ports/upload-repository.js';
import { decodeKeysetCursor, encodeKeysetCursor } from '../cursor/keyset-cursor.js';

/** Runs `step` on a later microtask; a throw (programmer error) rejects, as a database adapter's would. */
const later = <T, E>(step: () => Result<T, E>): ResultAsync<T, E> =>
  new ResultAsync(Promise.resolve().then(step));

const copy = (upload: Upload): Upload => ({ ...upload, createdAt: new Date(upload.createdAt) });

/** Newest first: `createdAt` descending, then id descending (byte order, as `COLLATE "C"`). */
const newestFirst = (a: Upload, b: Upload): number =>
  b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/** {@link UploadRepository} in memory, held to the same contract as the SQL adapter. */
export class InMemoryUploadRepository implements UploadRepository {
  private readonly uploads = new Map<string, Upload>();

  /** @throws Error (the ResultAsync rejects) when an upload with this id exists. */
  insert(upload: Upload): ResultAsync<Upload, DatabaseUnavailable> {
    return later(() => {
      if (this.uploads.has(upload.id)) throw new Error(`duplicate upload id ${upload.id}`);
      this.uploads.set(upload.id, copy(upload));
      return ok(copy(upload));
    });
  }

  findById(uploadId: string): ResultAsync<Upload, UploadNotFound | DatabaseUnavailable> {
    return later(() => {
      const upload = this.uploads.get(uploadId);
      return upload === undefined ? err({ type: 'UploadNotFound' as const, uploadId }) : ok(copy(upload));
    });
  }

  findByIds(uploadIds: readonly string[]): ResultAsync<Upload[], DatabaseUnavailable> {
    return later(() =>
      ok(
        [...new Set(uploadIds)]
          .map((id) => this.uploads.get(id))
          .filter((u): u is Upload => u !== undefined)
          .map(copy),
      ),
    );
  }

  list(query: UploadListQuery): ResultAsync<UploadPage, InvalidCursor | DatabaseUnavailable> {
    return later((): Result<UploadPage, InvalidCursor> => {
      const after = query.cursor === undefined ? null : decodeKeysetCursor(query.cursor, 'desc');
      if (query.cursor !== undefined && after === null) return err(invalidCursor(query.cursor));
      const limit = Math.min(UPLOAD_LIST_MAX_LIMIT, Math.max(1, Math.floor(query.limit) || 1));
      const rest = [...this.uploads.values()]
        .filter(
          (u) =>
            u.ownerId === query.ownerId &&
            (query.kind === undefined || u.kind === query.kind) &&
            (after === null ||
              u.createdAt.getTime() < after.at.getTime() ||
              (u.createdAt.getTime() === after.at.getTime() && u.id < after.id)),
        )
        .sort(newestFirst);
      const items = rest.slice(0, limit).map(copy);
      const last = items[items.length - 1];
      return ok({
        items,
        nextCursor:
          rest.length > limit && last !== undefined
            ? encodeKeysetCursor({ sort: 'desc', at: last.createdAt, id: last.id })
            : null,
      });
    });
  }

  delete(uploadId: string): ResultAsync<void, UploadNotFound | DatabaseUnavailable> {
    return later((): Result<void, UploadNotFound> =>
      this.uploads.delete(uploadId) ? ok(undefined) : err({ type: 'UploadNotFound', uploadId }),
    );
  }
}
