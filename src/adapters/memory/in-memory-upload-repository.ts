import { err, ok, ResultAsync, type Result } from 'neverthrow';
import type { Upload } from '../../domain/upload.js';
import type { DatabaseUnavailable, InvalidCursor } from '../../ports/errors.js';
import {
  UPLOAD_LIST_MAX_LIMIT,
  type UploadListQuery,
  type UploadNotFound,
  type UploadPage,
  type UploadRepository,
} from '../../ports/upload-repository.js';
import { newestFirstPage } from './newest-first-page.js';

/** Runs `step` on a later microtask; a throw (programmer error) rejects, as a database adapter's would. */
const later = <T, E>(step: () => Result<T, E>): ResultAsync<T, E> =>
  new ResultAsync(Promise.resolve().then(step));

const copy = (upload: Upload): Upload => ({ ...upload, createdAt: new Date(upload.createdAt) });

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
      const limit = Math.min(UPLOAD_LIST_MAX_LIMIT, Math.max(1, Math.floor(query.limit) || 1));
      const matching = [...this.uploads.values()].filter(
        (u) => u.ownerId === query.ownerId && (query.kind === undefined || u.kind === query.kind),
      );
      return newestFirstPage(matching, {
        cursor: query.cursor,
        limit,
        keyOf: (u) => ({ at: u.createdAt, id: u.id }),
        copy,
      });
    });
  }

  delete(uploadId: string): ResultAsync<void, UploadNotFound | DatabaseUnavailable> {
    return later((): Result<void, UploadNotFound> =>
      this.uploads.delete(uploadId) ? ok(undefined) : err({ type: 'UploadNotFound', uploadId }),
    );
  }
}
