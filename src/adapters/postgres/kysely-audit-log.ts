import { sql, type Kysely, type Selectable } from 'kysely';
import { errAsync, ResultAsync } from 'neverthrow';
import type {
  AuditEntry,
  AuditFilter,
  AuditLog,
  AuditPage,
  AuditRecordInput,
} from '../../ports/audit-log.js';
import { invalidCursor, type DatabaseUnavailable, type InvalidCursor } from '../../ports/errors.js';
import { decodeKeysetCursor, encodeKeysetCursor, toPage } from '../cursor/keyset-cursor.js';
import type { AuditLogTable, Database } from './database.js';
import { toDatabaseUnavailable } from './database-error.js';

function rowToEntry(row: Selectable<AuditLogTable>): AuditEntry {
  const detail = row.detail;
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail))
    throw new Error(`audit_log row ${row.id} cannot be read: detail is not an object`);
  return {
    id: String(row.id),
    actorId: row.actor_id,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    detail: detail as Record<string, unknown>,
    at: row.at,
    requestId: row.request_id,
  };
}

/**
 * {@link AuditLog} over Kysely (PostgreSQL and PGlite): table `audit_log`, ids from an identity
 * column, pages newest first by `(at, id)` with the shared keyset cursor.
 */
export class KyselyAuditLog implements AuditLog {
  constructor(private readonly db: Kysely<Database>) {}

  record(entry: AuditRecordInput): ResultAsync<AuditEntry, DatabaseUnavailable> {
    return ResultAsync.fromPromise(
      this.db
        .insertInto('audit_log')
        .values({
          at: entry.at,
          actor_id: entry.actorId,
          action: entry.action,
          target_type: entry.targetType,
          target_id: entry.targetId,
          detail: JSON.stringify(entry.detail),
          request_id: entry.requestId ?? null,
        })
        .returningAll()
        .executeTakeFirstOrThrow(),
      toDatabaseUnavailable,
    ).map(rowToEntry);
  }

  list(filter: AuditFilter): ResultAsync<AuditPage, InvalidCursor | DatabaseUnavailable> {
    const after = filter.cursor === undefined ? null : decodeKeysetCursor(filter.cursor, 'desc');
    if (filter.cursor !== undefined && (after === null || !/^[1-9][0-9]{0,17}$/.test(after.id)))
      return errAsync(invalidCursor(filter.cursor));
    const limit = Math.min(100, Math.max(1, Number.isFinite(filter.limit) ? Math.floor(filter.limit) : 1));
    let query = this.db.selectFrom('audit_log').selectAll();
    if (filter.actorId !== undefined) query = query.where('actor_id', '=', filter.actorId);
    if (filter.action !== undefined) query = query.where('action', '=', filter.action);
    if (filter.targetType !== undefined) query = query.where('target_type', '=', filter.targetType);
    if (filter.targetId !== undefined) query = query.where('target_id', '=', filter.targetId);
    if (after !== null)
      query = query.where(sql<boolean>`(at, id) < (${after.at}::timestamptz, ${after.id}::bigint)`);
    return ResultAsync.fromPromise(
      query
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute(),
      toDatabaseUnavailable,
    ).map((rows) =>
      toPage(rows, limit, rowToEntry, (last) =>
        encodeKeysetCursor({ sort: 'desc', at: last.at, id: last.id }),
      ),
    );
  }
}
