import { sql } from 'kysely';
import { errAsync, ResultAsync } from 'neverthrow';
import { STAGES } from '../../domain/job.js';
import { invalidCursor } from '../../ports/errors.js';
import { toDatabaseUnavailable } from './database-error.js';
import { clampPageLimit, decodeEventCursor, encodeEventCursor } from './event-cursor.js';
const LEVELS = ['debug', 'info', 'warn', 'error'];
const EVENT_STAGES = [...STAGES, 'lifecycle'];
function rowToEvent(row) {
    const data = row.data;
    if (!LEVELS.includes(row.level) || !EVENT_STAGES.includes(row.stage))
        throw new Error(`job_events row ${row.id} cannot be read: level ${row.level}, stage ${row.stage}`);
    if (typeof data !== 'object' || data === null || Array.isArray(data))
        throw new Error(`job_events row ${row.id} cannot be read: data is not an object`);
    return {
        id: row.id,
        jobId: row.job_id,
        at: row.at,
        level: row.level,
        stage: row.stage,
        message: row.message,
        data: data,
    };
}
/**
 * {@link JobEventRepository} over Kysely (PostgreSQL and PGlite). Events reference their job
 * (deleted with it): appending an event of an unknown job is a programmer error and rejects.
 * Pages are ordered by `(at, id)`; the cursor is opaque (base64url of the last time and id).
 */
export class KyselyJobEventRepository {
    db;
    constructor(db) {
        this.db = db;
    }
    append(event) {
        return ResultAsync.fromPromise(this.db
            .insertInto('job_events')
            .values({
            id: event.id,
            job_id: event.jobId,
            at: event.at,
            level: event.level,
            stage: event.stage,
            message: event.message,
            data: JSON.stringify(event.data),
        })
            .execute(), toDatabaseUnavailable).map(() => undefined);
    }
    list(jobId, page) {
        const limit = clampPageLimit(page.limit);
        const after = page.cursor === undefined ? null : decodeEventCursor(page.cursor);
        if (page.cursor !== undefined && after === null)
            return errAsync(invalidCursor(page.cursor));
        let query = this.db.selectFrom('job_events').selectAll().where('job_id', '=', jobId);
        if (page.levels !== undefined && page.levels.length > 0)
            query = query.where('level', 'in', [...page.levels]);
        if (after !== null)
            query = query.where(sql `(at, id) > (${after.at}::timestamptz, ${after.id})`);
        return ResultAsync.fromPromise(query
            .orderBy('at')
            .orderBy('id')
            .limit(limit + 1)
            .execute(), toDatabaseUnavailable).map((rows) => {
            const items = rows.slice(0, limit).map(rowToEvent);
            const last = items[items.length - 1];
            return {
                items,
                nextCursor: rows.length > limit && last !== undefined ? encodeEventCursor(last) : null,
            };
        });
    }
    deleteForJob(jobId) {
        return ResultAsync.fromPromise(this.db.deleteFrom('job_events').where('job_id', '=', jobId).executeTakeFirst(), toDatabaseUnavailable).map((r) => Number(r.numDeletedRows));
    }
}
//# sourceMappingURL=kysely-job-event-repository.js.map