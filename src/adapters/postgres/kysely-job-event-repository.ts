import { toPage } from '../cursor/keyset-cursor.js';
import { sql, type Kysely, type Selectable } from 'kysely';
import { errAsync, ResultAsync } from 'neverthrow';
import type { JobEvent, JobEventLevel } from '../../domain/job-event.js';
import { STAGES } from '../../domain/job.js';
import { invalidCursor, type DatabaseUnavailable, type InvalidCursor } from '../../ports/errors.js';
import type {
  JobEventPage,
  JobEventPageQuery,
  JobEventRepository,
} from '../../ports/job-event-repository.js';
import type { Database, JobEventsTable } from './database.js';
import { toDatabaseUnavailable } from './database-error.js';
import { eventToColumns } from './job-event-row.js';
import { clampPageLimit, decodeEventCursor, encodeEventCursor } from './event-cursor.js';

const LEVELS: readonly string[] = ['debug', 'info', 'warn', 'error'] satisfies JobEventLevel[];
const EVENT_STAGES: readonly string[] = [...STAGES, 'lifecycle'];

function rowToEvent(row: Selectable<JobEventsTable>): JobEvent {
  const data = row.data;
  if (!LEVELS.includes(row.level) || !EVENT_STAGES.includes(row.stage))
    throw new Error(`job_events row ${row.id} cannot be read: level ${row.level}, stage ${row.stage}`);
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new Error(`job_events row ${row.id} cannot be read: data is not an object`);
  return {
    id: row.id,
    jobId: row.job_id,
    at: row.at,
    level: row.level as JobEventLevel,
    stage: row.stage as JobEvent['stage'],
    message: row.message,
    data: data as Record<string, unknown>,
  };
}

/**
 * {@link JobEventRepository} over Kysely (PostgreSQL and PGlite). Events reference their job
 * (deleted with it): appending an event of an unknown job is a programmer error and rejects.
 * Pages are ordered by `(at, id)`; the cursor is opaque (base64url of the last time and id).
 */
export class KyselyJobEventRepository implements JobEventRepository {
  constructor(private readonly db: Kysely<Database>) {}

  append(event: JobEvent): ResultAsync<void, DatabaseUnavailable> {
    return ResultAsync.fromPromise(
      this.db.insertInto('job_events').values(eventToColumns(event)).execute(),
      toDatabaseUnavailable,
    ).map(() => undefined);
  }

  list(
    jobId: string,
    page: JobEventPageQuery,
  ): ResultAsync<JobEventPage, InvalidCursor | DatabaseUnavailable> {
    const limit = clampPageLimit(page.limit);
    const after = page.cursor === undefined ? null : decodeEventCursor(page.cursor);
    if (page.cursor !== undefined && after === null) return errAsync(invalidCursor(page.cursor));
    let query = this.db.selectFrom('job_events').selectAll().where('job_id', '=', jobId);
    if (page.levels !== undefined && page.levels.length > 0)
      query = query.where('level', 'in', [...page.levels]);
    if (after !== null) query = query.where(sql<boolean>`(at, id) > (${after.at}::timestamptz, ${after.id})`);
    return ResultAsync.fromPromise(
      query
        .orderBy('at')
        .orderBy('id')
        .limit(limit + 1)
        .execute(),
      toDatabaseUnavailable,
    ).map((rows) => toPage(rows, limit, rowToEvent, (last) => encodeEventCursor(last)));
  }

  deleteForJob(jobId: string): ResultAsync<number, DatabaseUnavailable> {
    return ResultAsync.fromPromise(
      this.db.deleteFrom('job_events').where('job_id', '=', jobId).executeTakeFirst(),
      toDatabaseUnavailable,
    ).map((r) => Number(r.numDeletedRows));
  }
}
