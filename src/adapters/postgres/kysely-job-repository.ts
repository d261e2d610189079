import { sql, type Kysely } from 'kysely';
import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import { JOB_STATUSES, type Job } from '../../domain/job.js';
import type { DatabaseUnavailable, JobNotFound, VersionConflict } from '../../ports/errors.js';
import type { JobCounts, JobRepository, LeaseRenewal } from '../../ports/job-repository.js';
import type { Database } from './database.js';
import { toDatabaseUnavailable } from './database-error.js';
import { jobToColumns, rowToJob, type JobRow } from './job-row.js';

/** Claim order: priority high to low, then oldest run_at, created_at, and id as the last tie-breaker. */
function byClaimOrder(a: Job, b: Job): number {
  return (
    b.priority - a.priority ||
    a.runAt.getTime() - b.runAt.getTime() ||
    a.createdAt.getTime() - b.createdAt.getTime() ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/** `leaseMs` milliseconds as an SQL interval expression. */
const millis = (ms: number) => sql`(${ms}::float8 * interval '1 millisecond')`;

/**
 * {@link JobRepository} over Kysely: the same SQL on PostgreSQL (pg) and PGlite. The `jobs`
 * table is the queue; the database clock (`now()`) is the lease clock. Every write is a single
 * conditional statement, so any number of processes may share the table.
 */
export class KyselyJobRepository implements JobRepository {
  constructor(private readonly db: Kysely<Database>) {}

  insert(job: Job): ResultAsync<Job, DatabaseUnavailable> {
    return ResultAsync.fromPromise(
      this.db.insertInto('jobs').values(jobToColumns(job)).returningAll().executeTakeFirstOrThrow(),
      toDatabaseUnavailable,
    ).map(rowToJob);
  }

  findById(jobId: string): ResultAsync<Job, JobNotFound | DatabaseUnavailable> {
    return ResultAsync.fromPromise(
      this.db.selectFrom('jobs').selectAll().where('id', '=', jobId).executeTakeFirst(),
      toDatabaseUnavailable,
    ).andThen((row) =>
      row === undefined ? errAsync({ type: 'JobNotFound' as const, jobId }) : okAsync(rowToJob(row)),
    );
  }

  update(job: Job): ResultAsync<Job, JobNotFound | VersionConflict | DatabaseUnavailable> {
    const { id: _id, ...columns } = jobToColumns(job);
    const expectedVersion = job.version - 1;
    const write = async (): Promise<{ row: JobRow } | { row: null; exists: boolean }> => {
      const row = await this.db
        .updateTable('jobs')
        .set(columns)
        .where('id', '=', job.id)
        .where('version', '=', expectedVersion)
        .returningAll()
        .executeTakeFirst();
      if (row !== undefined) return { row };
      const found = await this.db.selectFrom('jobs').select('id').where('id', '=', job.id).executeTakeFirst();
      return { row: null, exists: found !== undefined };
    };
    return ResultAsync.fromPromise(write(), toDatabaseUnavailable).andThen((outcome) => {
      if (outcome.row !== null) return okAsync(rowToJob(outcome.row));
      return outcome.exists
        ? errAsync({ type: 'VersionConflict' as const, id: job.id, expectedVersion })
        : errAsync({ type: 'JobNotFound' as const, jobId: job.id });
    });
  }

  claim(workerId: string, leaseMs: number, limit: number): ResultAsync<Job[], DatabaseUnavailable> {
    if (limit < 1) return okAsync([]);
    // One statement: a select-then-update in two statements hands the same job out twice.
    const query = sql<JobRow>`
      UPDATE jobs SET
        status = 'processing',
        attempts = attempts + 1,
        lease_owner = ${workerId},
        lease_expires_at = now() + ${millis(leaseMs)},
        started_at = coalesce(started_at, now()),
        progress_stage = 'planning',
        progress_percent = 0,
        version = version + 1,
        updated_at = now()
      WHERE id IN (
        SELECT id FROM jobs
        WHERE status = 'queued' AND run_at <= now()
        ORDER BY priority DESC, run_at, created_at, id
        FOR UPDATE SKIP LOCKED
        LIMIT ${Math.floor(limit)}
      )
      RETURNING *`;
    return ResultAsync.fromPromise(query.execute(this.db), toDatabaseUnavailable).map(({ rows }) =>
      rows.map(rowToJob).sort(byClaimOrder),
    );
  }

  renewLease(
    jobId: string,
    attempt: number,
    leaseMs: number,
  ): ResultAsync<LeaseRenewal | null, DatabaseUnavailable> {
    const query = sql<{ lease_expires_at: Date; cancel_requested_at: Date | null }>`
      UPDATE jobs SET
        lease_expires_at = now() + ${millis(leaseMs)},
        version = version + 1,
        updated_at = now()
      WHERE id = ${jobId} AND status = 'processing' AND attempts = ${attempt}
      RETURNING lease_expires_at, cancel_requested_at`;
    return ResultAsync.fromPromise(query.execute(this.db), toDatabaseUnavailable).map(({ rows }) => {
      const row = rows[0];
      return row === undefined
        ? null
        : { expiresAt: row.lease_expires_at, cancelRequested: row.cancel_requested_at !== null };
    });
  }

  recoverExpiredLeases(): ResultAsync<Job[], DatabaseUnavailable> {
    // Same outcome as the domain's expireLease: cancel requested -> cancelled; attempts left ->
    // queued at once with LEASE_EXPIRED; otherwise failed. SET expressions read the old row.
    const query = sql<JobRow>`
      UPDATE jobs SET
        status = CASE
          WHEN cancel_requested_at IS NOT NULL THEN 'cancelled'
          WHEN attempts < max_attempts THEN 'queued'
          ELSE 'failed' END,
        error = CASE
          WHEN cancel_requested_at IS NOT NULL THEN error
          ELSE jsonb_build_object(
            'code', 'LEASE_EXPIRED',
            'message', 'worker ' || lease_owner || ' stopped renewing its lease in attempt ' || attempts,
            'retryable', true) END,
        run_at = CASE
          WHEN cancel_requested_at IS NULL AND attempts < max_attempts THEN now() ELSE run_at END,
        progress_stage = CASE
          WHEN cancel_requested_at IS NULL AND attempts < max_attempts THEN 'queued' ELSE progress_stage END,
        progress_percent = CASE
          WHEN cancel_requested_at IS NULL AND attempts < max_attempts THEN 0 ELSE progress_percent END,
        finished_at = CASE
          WHEN cancel_requested_at IS NULL AND attempts < max_attempts THEN finished_at ELSE now() END,
        lease_owner = NULL,
        lease_expires_at = NULL,
        version = version + 1,
        updated_at = now()
      WHERE id IN (
        SELECT id FROM jobs
        WHERE status = 'processing' AND lease_expires_at <= now()
        FOR UPDATE SKIP LOCKED
      )
      RETURNING *`;
    return ResultAsync.fromPromise(query.execute(this.db), toDatabaseUnavailable).map(({ rows }) =>
      rows.map(rowToJob).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    );
  }

  queuePosition(jobId: string): ResultAsync<number | null, DatabaseUnavailable> {
    const query = sql<{ status: string; ahead: number }>`
      SELECT j.status, (
        SELECT count(*)::int FROM jobs q
        WHERE q.status = 'queued' AND q.run_at <= now()
          AND (q.priority > j.priority
            OR (q.priority = j.priority AND (q.run_at, q.created_at, q.id) < (j.run_at, j.created_at, j.id)))
      ) AS ahead
      FROM jobs j
      WHERE j.id = ${jobId}`;
    return ResultAsync.fromPromise(query.execute(this.db), toDatabaseUnavailable).map(({ rows }) => {
      const row = rows[0];
      return row === undefined || row.status !== 'queued' ? null : row.ahead + 1;
    });
  }

  countByStatus(): ResultAsync<JobCounts, DatabaseUnavailable> {
    return ResultAsync.fromPromise(
      this.db
        .selectFrom('jobs')
        .select(['status', sql<number>`count(*)::int`.as('count')])
        .groupBy('status')
        .execute(),
      toDatabaseUnavailable,
    ).map((rows) => {
      const counts = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as JobCounts;
      for (const row of rows) {
        if (!(JOB_STATUSES as readonly string[]).includes(row.status))
          throw new Error(`jobs table holds an unknown status ${row.status}`);
        counts[row.status as keyof JobCounts] = row.count;
      }
      return counts;
    });
  }

  ping(): ResultAsync<void, DatabaseUnavailable> {
    return ResultAsync.fromPromise(sql`SELECT 1`.execute(this.db), toDatabaseUnavailable).map(
      () => undefined,
    );
  }
}
