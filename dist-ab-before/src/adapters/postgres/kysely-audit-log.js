import { sql } from 'kysely';
import { errAsync, ResultAsync } from 'neverthrow';
import { invalidCursor } from '../../ports/errors.js';
import { decodeKeysetCursor, encodeKeysetCursor } from '../cursor/keyset-cursor.js';
import { toDatabaseUnavailable } from './database-error.js';
function rowToEntry(row) {
    const detail = row.detail;
    if (typeof detail !== 'object' || detail === null || Array.isArray(detail))
        throw new Error(`audit_log row ${row.id} cannot be read: detail is not an object`);
    return {
        id: String(row.id),
        actorId: row.actor_id,
        action: row.action,
        targetType: row.target_type,
        targetId: row.target_id,
        detail: detail,
        at: row.at,
        requestId: row.request_id,
    };
}
/**
 * {@link AuditLog} over Kysely (PostgreSQL and PGlite): table `audit_log`, ids from an identity
 * column, pages newest first by `(at, id)` with the shared keyset cursor.
 */
export class KyselyAuditLog {
    db;
    constructor(db) {
        this.db = db;
    }
    record(entry) {
        return ResultAsync.fromPromise(this.db
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
            .executeTakeFirstOrThrow(), toDatabaseUnavailable).map(rowToEntry);
    }
    list(filter) {
        const after = filter.cursor === undefined ? null : decodeKeysetCursor(filter.cursor, 'desc');
        if (filter.cursor !== undefined && (after === null || !/^[1-9][0-9]{0,17}$/.test(after.id)))
            return errAsync(invalidCursor(filter.cursor));
        const limit = Math.min(100, Math.max(1, Number.isFinite(filter.limit) ? Math.floor(filter.limit) : 1));
        let query = this.db.selectFrom('audit_log').selectAll();
        if (filter.actorId !== undefined)
            query = query.where('actor_id', '=', filter.actorId);
        if (filter.action !== undefined)
            query = query.where('action', '=', filter.action);
        if (filter.targetType !== undefined)
            query = query.where('target_type', '=', filter.targetType);
        if (filter.targetId !== undefined)
            query = query.where('target_id', '=', filter.targetId);
        if (after !== null)
            query = query.where(sql `(at, id) < (${after.at}::timestamptz, ${after.id}::bigint)`);
        return ResultAsync.fromPromise(query
            .orderBy('at', 'desc')
            .orderBy('id', 'desc')
            .limit(limit + 1)
            .execute(), toDatabaseUnavailable).map((rows) => {
            const items = rows.slice(0, limit).map(rowToEntry);
            const last = items[items.length - 1];
            return {
                items,
                nextCursor: rows.length > limit && last !== undefined
                    ? encodeKeysetCursor({ sort: 'desc', at: last.at, id: last.id })
                    : null,
            };
        });
    }
}
//# sourceMappingURL=kysely-audit-log.js.map