import { sql, type Kysely } from 'kysely';
import { err, ok, type Result } from 'neverthrow';
import type { JobEvent } from '../../domain/job-event.js';
import type { Job } from '../../domain/job.js';
import type { DatabaseUnavailable } from '../../ports/errors.js';
import type { Database } from './database.js';
import { toDatabaseUnavailable } from './database-error.js';
import { eventToColumns } from './job-event-row.js';
import { jobToColumns, rowToJob, type JobRow } from './job-row.js';

/** Most jobs written by one statement (28 bind parameters each, far below PostgreSQL's 65,535). */
export const MAX_JOBS_PER_STATEMENT = 100;

/**
 * Most statements of one batcher running at once. While they run, new inserts gather into the
 * next batch (classic group commit: the busier the database, the larger the batches); an insert
 * arriving when fewer run is written at the end of the current event-loop turn.
 */
export const MAX_STATEMENTS_IN_FLIGHT = 2;

interface PendingInsert {
  readonly job: Job;
  readonly event: JobEvent;
  resolve(result: Result<Job, DatabaseUnavailable>): void;
  reject(error: unknown): void;
}

/**
 * Group commit of new jobs with their first events: every `insert` made during one turn of the
 * event loop is written by ONE statement (data-modifying CTEs: the jobs' INSERT, the events'
 * INSERT and, with a wake channel, `pg_notify`), so N concurrent submits cost one round trip, one
 * pooled connection and one commit (one WAL flush) instead of N. A lone insert is a batch of one:
 * it waits for nothing but the end of the current event-loop turn (`setImmediate`); when
 * {@link MAX_STATEMENTS_IN_FLIGHT} statements are already running, it joins the batch written
 * as soon as one of them ends.
 *
 * Outcomes are per insert and the same as writing it alone:
 * - success: each caller gets its stored job once the shared statement has committed;
 * - an outage (`DatabaseUnavailable`): the statement stored nothing, every caller of the batch
 *   gets the error;
 * - a programmer error (duplicate id, an event that does not fit the schema): the statement
 *   stored nothing; a batch of several is then retried one insert per statement, so only the
 *   offending insert rejects.
 */
export class JobInsertBatcher {
  private pending: PendingInsert[] = [];
  private scheduled = false;
  private inFlight = 0;

  /**
   * @param wakeChannel the LISTEN/NOTIFY channel to `pg_notify` in each statement (notifications
   *   are delivered on commit only; one per statement, as PostgreSQL folds identical ones), or
   *   `undefined` for none.
   */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly wakeChannel: string | undefined,
  ) {}

  /** Queues `job` with `event` for the next statement. @returns the stored job, or `DatabaseUnavailable`. */
  insert(job: Job, event: JobEvent): Promise<Result<Job, DatabaseUnavailable>> {
    return new Promise((resolve, reject) => {
      this.pending.push({ job, event, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.pending.length === 0 || this.inFlight >= MAX_STATEMENTS_IN_FLIGHT) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    while (this.pending.length > 0 && this.inFlight < MAX_STATEMENTS_IN_FLIGHT) {
      const batch = this.pending.splice(0, MAX_JOBS_PER_STATEMENT);
      this.inFlight += 1;
      void this.write(batch).finally(() => {
        this.inFlight -= 1;
        this.schedule();
      });
    }
  }

  private async write(batch: readonly PendingInsert[]): Promise<void> {
    let rows: JobRow[];
    try {
      rows = await this.statement(batch);
    } catch (cause) {
      let unavailable: DatabaseUnavailable;
      try {
        unavailable = toDatabaseUnavailable(cause);
      } catch (programmerError) {
        if (batch.length === 1) batch[0]?.reject(programmerError);
        // Nothing was stored: find the offender by writing each insert on its own.
        else await Promise.all(batch.map((one) => this.write([one])));
        return;
      }
      for (const one of batch) one.resolve(err(unavailable));
      return;
    }
    const byId = new Map(rows.map((row) => [row.id, row]));
    for (const one of batch) {
      const row = byId.get(one.job.id);
      try {
        if (row === undefined) throw new Error(`job ${one.job.id} was not returned by its INSERT`);
        one.resolve(ok(rowToJob(row)));
      } catch (error) {
        one.reject(error);
      }
    }
  }

  private async statement(batch: readonly PendingInsert[]): Promise<JobRow[]> {
    const wake = this.wakeChannel;
    const rows = await this.db
      .with('new_jobs', (db) =>
        db
          .insertInto('jobs')
          .values(batch.map((one) => jobToColumns(one.job)))
          .returningAll(),
      )
      .with('first_events', (db) =>
        db
          .insertInto('job_events')
          .values(batch.map((one) => eventToColumns(one.event)))
          .returning('id'),
      )
      .selectFrom('new_jobs')
      .selectAll('new_jobs')
      .$if(wake !== undefined, (q) => q.select(sql<string>`pg_notify(${wake}, '')`.as('woken')))
      .execute();
    return rows as JobRow[];
  }
}
