import { sql, type Kysely, type Selectable } from 'kysely';
import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import {
  UPLOAD_KINDS,
  UPLOAD_PURPOSES,
  type Upload,
  type UploadKind,
  type UploadPurpose,
} from '../../domain/upload.js';
import { invalidCursor, type DatabaseUnavailable, type InvalidCursor } from '../../ports/errors.js';
import {
  UPLOAD_LIST_MAX_LIMIT,
  type UploadListQuery,
  type UploadNotFound,
  type UploadPage,
  type UploadRepository,
} from '../../ports/upload-repository.js';
import { decodeKeysetCursor, encodeKeysetCursor, toPage } from '../cursor/keyset-cursor.js';
import type { Database, UploadsTable } from './database.js';
import { toDatabaseUnavailable } from './database-error.js';

/** Row -> Upload, field by field; a row the schema should have refused throws. */
function rowToUpload(row: Selectable<UploadsTable>): Upload {
  if (!(UPLOAD_KINDS as readonly string[]).includes(row.kind))
    throw new Error(`uploads row ${row.id} cannot be read: kind ${row.kind}`);
  if (row.purpose !== null && !(UPLOAD_PURPOSES as readonly string[]).includes(row.purpose))
    throw new Error(`uploads row ${row.id} cannot be read: purpose ${row.purpose}`);
  return {
    id: row.id,
    ownerId: row.owner_id,
    storageKey: row.storage_key,
    fileName: row.file_name,
    mediaType: row.media_type,
    kind: row.kind as UploadKind,
    sizeBytes: Number(row.size_bytes),
    sha256: row.sha256,
    purpose: row.purpose as UploadPurpose | null,
    versionId: row.version_id,
    createdAt: row.created_at,
  };
}

/** {@link UploadRepository} over Kysely (PostgreSQL and PGlite). */
export class KyselyUploadRepository implements UploadRepository {
  constructor(private readonly db: Kysely<Database>) {}

  insert(upload: Upload): ResultAsync<Upload, DatabaseUnavailable> {
    return ResultAsync.fromPromise(
      this.db
        .insertInto('uploads')
        .values({
          id: upload.id,
          owner_id: upload.ownerId,
          storage_key: upload.storageKey,
          file_name: upload.fileName,
          media_type: upload.mediaType,
          kind: upload.kind,
          size_bytes: upload.sizeBytes,
          sha256: upload.sha256,
          purpose: upload.purpose,
          version_id: upload.versionId,
          created_at: upload.createdAt,
        })
        .returningAll()
        .executeTakeFirstOrThrow(),
      toDatabaseUnavailable,
    ).map(rowToUpload);
  }

  findById(uploadId: string): ResultAsync<Upload, UploadNotFound | DatabaseUnavailable> {
    return ResultAsync.fromPromise(
      this.db.selectFrom('uploads').selectAll().where('id', '=', uploadId).executeTakeFirst(),
      toDatabaseUnavailable,
    ).andThen((row) =>
      row === undefined ? errAsync({ type: 'UploadNotFound' as const, uploadId }) : okAsync(rowToUpload(row)),
    );
  }

  findByIds(uploadIds: readonly string[]): ResultAsync<Upload[], DatabaseUnavailable> {
    const ids = [...new Set(uploadIds)];
    if (ids.length === 0) return okAsync([]);
    return ResultAsync.fromPromise(
      this.db.selectFrom('uploads').selectAll().where('id', 'in', ids).execute(),
      toDatabaseUnavailable,
    ).map((rows) => rows.map(rowToUpload));
  }

  list(query: UploadListQuery): ResultAsync<UploadPage, InvalidCursor | DatabaseUnavailable> {
    const after = query.cursor === undefined ? null : decodeKeysetCursor(query.cursor, 'desc');
    if (query.cursor !== undefined && after === null) return errAsync(invalidCursor(query.cursor));
    const limit = Math.min(UPLOAD_LIST_MAX_LIMIT, Math.max(1, Math.floor(query.limit) || 1));
    let select = this.db.selectFrom('uploads').selectAll().where('owner_id', '=', query.ownerId);
    if (query.kind !== undefined) select = select.where('kind', '=', query.kind);
    if (after !== null)
      select = select.where(sql<boolean>`(created_at, id) < (${after.at}::timestamptz, ${after.id})`);
    return ResultAsync.fromPromise(
      select
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute(),
      toDatabaseUnavailable,
    ).map((rows) =>
      toPage(rows, limit, rowToUpload, (last) =>
        encodeKeysetCursor({ sort: 'desc', at: last.createdAt, id: last.id }),
      ),
    );
  }

  delete(uploadId: string): ResultAsync<void, UploadNotFound | DatabaseUnavailable> {
    return ResultAsync.fromPromise(
      this.db.deleteFrom('uploads').where('id', '=', uploadId).returning('id').executeTakeFirst(),
      toDatabaseUnavailable,
    ).andThen((row) =>
      row === undefined ? errAsync({ type: 'UploadNotFound' as const, uploadId }) : okAsync(undefined),
    );
  }
}
