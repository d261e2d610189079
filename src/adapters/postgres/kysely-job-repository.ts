import { sql, type Kysely } from 'kysely';
import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import type { JobEvent } from '../../domain/job-event.js';
import { JOB_STATUSES, STAGES, type Job, type Stage } from '../../domain/job.js';
import {
  invalidCursor,
  type DatabaseUnavailable,
  type InvalidCursor,
  type JobNotFound,
  type VersionConflict,
} from '../../ports/errors.js';
import {
  JOB_LIST_MAX_LIMIT,
  type JobCompletion,
  type JobCompletionOutcome,
  type JobCounts,
  type JobListQuery,
  type JobPage,
  type JobRepository,
  type LeaseRenewal,
  type OwnerJobStats,
  type QueueSnapshot,
  type ThroughputStats,
} from '../../ports/job-repository.js';
import { decodeKeysetCursor, encodeKeysetCursor, toPage } from '../cursor/keyset-cursor.js';
import type { Database } from './database.js';
import { toDatabaseUnavailable } from './database-error.js';
import { JobInsertBatcher } from './job-insert-batcher.js';
import { assetToColumn, jobToColumns, rowToJob, type JobRow } from './job-row.js';

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
  private readonly wakeChannel: string | undefined;
  private readonly batcher: JobInsertBatcher;

  /**
   * @param options.wakeChannel the work signal's LISTEN/NOTIFY channel (PostgreSQL only, the same
   *   as `PostgresWorkSignal`'s): `insertWithEvent` then sends `pg_notify(wakeChannel, '')` in its
   *   statement, so a job, its first event and the wake-up share one commit.
   * @throws Error for a channel that is not a lowercase identifier of at most 63 characters.
   */
  constructor(
    private readonly db: Kysely<Database>,
    options: { readonly wakeChannel?: string | undefined } = {},
  ) {
    if (options.wakeChannel !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(options.wakeChannel))
      throw new Error(`wakeChannel must be a lowercase identifier, got "${options.wakeChannel}"`);
    this.wakeChannel = options.wakeChannel;
    this.batcher = new JobInsertBatcher(db, options.wakeChannel);
  }

  get wakesWorkersOnInsert(): boolean {
    return this.wakeChannel !== undefined;
  }

  insert(job: Job): ResultAsync<Job, DatabaseUnavailable> {
    return ResultAsync.fromPromise(
      this.db.insertInto('jobs').values(jobToColumns(job)).returningAll().executeTakeFirstOrThrow(),
      toDatabaseUnavailable,
    ).map(rowToJob);
  }

  /**
   * Group commit (see {@link JobInsertBatcher}): the inserts made during one event-loop turn share
   * one statement, so one round trip and one commit (one WAL flush): the jobs' INSERT, their
   * first events' INSERT (data-modifying CTEs) and, with a wake channel, `pg_notify` (delivered
   * only when the statement commits). A failure stores nothing.
   */
  insertWithEvent(job: Job, event: JobEvent): ResultAsync<Job, DatabaseUnavailable> {
    if (event.jobId !== job.id)
      return ResultAsync.fromSafePromise(
        Promise.reject(new Error(`event ${event.id} belongs to job ${event.jobId}, not ${job.id}`)),
      );
    return new ResultAsync(this.batcher.insert(job, event));
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
    // `id = ANY(ARRAY(subquery))` runs the locking subquery once and then updates through the
    // primary key; `id IN (subquery)` let the planner pick a hash semi-join over a sequential
    // scan of the whole table for larger limits (measured: ~9 ms of a 500-job claim on 20,000 rows).
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
      WHERE id = ANY(ARRAY(
        SELECT id FROM jobs
        WHERE status = 'queued' AND run_at <= now()
        ORDER BY priority DESC, run_at, created_at, id
        FOR UPDATE SKIP LOCKED
        LIMIT ${Math.floor(limit)}
      ))
      RETURNING *`;
    return ResultAsync.fromPromise(query.execute(this.db), toDatabaseUnavailable).map(({ rows }) =>
      rows.map(rowToJob).sort(byClaimOrder),
    );
  }

  /** @throws Error (the ResultAsync rejects) when a job id appears twice: nothing is written. */
  completeMany(
    completions: readonly JobCompletion[],
  ): ResultAsync<JobCompletionOutcome[], DatabaseUnavailable> {
    const seen = new Set<string>();
    for (const { jobId } of completions) {
      if (seen.has(jobId))
        return new ResultAsync(
          Promise.reject(new Error(`completeMany: job ${jobId} appears twice in one batch`)),
        );
      seen.add(jobId);
    }
    if (completions.length === 0) return okAsync([]);
    // One statement for the batch, fenced by (id, attempt) like every worker write; the domain's
    // finishAttempt: a cancel requested meanwhile wins over the result. SET reads the old row.
    const query = sql<{ id: string; status: string }>`
      UPDATE jobs SET
        status = CASE WHEN jobs.cancel_requested_at IS NULL THEN 'completed' ELSE 'cancelled' END,
        lease_owner = NULL,
        lease_expires_at = NULL,
        progress_stage = CASE WHEN jobs.cancel_requested_at IS NULL THEN 'done' ELSE jobs.progress_stage END,
        progress_percent = CASE WHEN jobs.cancel_requested_at IS NULL THEN 100 ELSE jobs.progress_percent END,
        error = CASE WHEN jobs.cancel_requested_at IS NULL THEN NULL ELSE jobs.error END,
        result = CASE WHEN jobs.cancel_requested_at IS NULL THEN c.result::jsonb ELSE jobs.result END,
        finished_at = now(),
        updated_at = now(),
        version = jobs.version + 1
      FROM unnest(
        ${completions.map((c) => c.jobId)}::text[],
        ${completions.map((c) => c.attempt)}::int[],
        ${completions.map((c) => assetToColumn(c.result))}::text[]
      ) AS c(id, attempt, result)
      WHERE jobs.id = c.id AND jobs.status = 'processing' AND jobs.attempts = c.attempt
      RETURNING jobs.id, jobs.status`;
    return ResultAsync.fromPromise(query.execute(this.db), toDatabaseUnavailable).map(({ rows }) => {
      const finished = new Map(rows.map((r) => [r.id, r.status]));
      return completions.map(({ jobId, attempt }): JobCompletionOutcome => {
        const status = finished.get(jobId);
        return {
          jobId,
          attempt,
          outcome: status === undefined ? 'lease-lost' : status === 'cancelled' ? 'cancelled' : 'completed',
        };
      });
    });
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
    // queued at once with LEASE_EXPIRED, keeping its (past) run_at so it keeps its turn;
    // otherwise failed. SET expressions read the old row.
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

  msUntilNextLeaseExpiry(): ResultAsync<number | null, DatabaseUnavailable> {
    const query = sql<{ ms: number | null }>`
      SELECT (extract(epoch FROM (min(lease_expires_at) - now())) * 1000)::float8 AS ms
      FROM jobs WHERE status = 'processing' AND lease_expires_at IS NOT NULL`;
    return ResultAsync.fromPromise(query.execute(this.db), toDatabaseUnavailable).map(({ rows }) => {
      const ms = rows[0]?.ms;
      return ms === null || ms === undefined ? null : Math.max(0, Math.ceil(Number(ms)));
    });
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

  list(query: JobListQuery): ResultAsync<JobPage, InvalidCursor | DatabaseUnavailable> {
    const after = query.cursor === undefined ? null : decodeKeysetCursor(query.cursor, query.sort);
    if (query.cursor !== undefined && after === null) return errAsync(invalidCursor(query.cursor));
    const limit = Math.min(
      JOB_LIST_MAX_LIMIT,
      Math.max(1, Number.isFinite(query.limit) ? Math.floor(query.limit) : 1),
    );
    let select = this.db.selectFrom('jobs').selectAll();
    if (query.ownerId !== null) select = select.where('owner_id', '=', query.ownerId);
    if (query.statuses !== undefined && query.statuses.length > 0)
      select = select.where('status', 'in', [...query.statuses]);
    if (query.batchId !== undefined) select = select.where('batch_id', '=', query.batchId);
    if (query.createdAfter !== undefined) select = select.where('created_at', '>=', query.createdAfter);
    if (query.createdBefore !== undefined) select = select.where('created_at', '<', query.createdBefore);
    if (after !== null) {
      // Keyset: strictly past the last row of the previous page, in the page's direction.
      const past = query.sort === 'asc' ? sql`>` : sql`<`;
      select = select.where(sql<boolean>`(created_at, id) ${past} (${after.at}::timestamptz, ${after.id})`);
    }
    return ResultAsync.fromPromise(
      select
        .orderBy('created_at', query.sort)
        .orderBy('id', query.sort)
        .limit(limit + 1)
        .execute(),
      toDatabaseUnavailable,
    ).map((rows) =>
      toPage(rows, limit, rowToJob, (last) =>
        encodeKeysetCursor({ sort: query.sort, at: last.createdAt, id: last.id }),
      ),
    );
  }

  delete(
    jobId: string,
    expectedVersion: number,
  ): ResultAsync<void, JobNotFound | VersionConflict | DatabaseUnavailable> {
    // The job's events go with it (ON DELETE CASCADE).
    const remove = async (): Promise<'deleted' | 'conflict' | 'missing'> => {
      const row = await this.db
        .deleteFrom('jobs')
        .where('id', '=', jobId)
        .where('version', '=', expectedVersion)
        .returning('id')
        .executeTakeFirst();
      if (row !== undefined) return 'deleted';
      const found = await this.db.selectFrom('jobs').select('id').where('id', '=', jobId).executeTakeFirst();
      return found === undefined ? 'missing' : 'conflict';
    };
    return ResultAsync.fromPromise(remove(), toDatabaseUnavailable).andThen((outcome) => {
      if (outcome === 'deleted') return okAsync(undefined);
      return outcome === 'missing'
        ? errAsync({ type: 'JobNotFound' as const, jobId })
        : errAsync({ type: 'VersionConflict' as const, id: jobId, expectedVersion });
    });
  }

  statsForOwner(ownerId: string, since: Date): ResultAsync<OwnerJobStats, DatabaseUnavailable> {
    const done = sql`status = 'completed' AND started_at IS NOT NULL AND finished_at IS NOT NULL`;
    const seconds = sql`extract(epoch FROM (finished_at - started_at))::float8`;
    const query = sql<{
      queued: number;
      processing: number;
      completed: number;
      failed: number;
      cancelled: number;
      total: number;
      completed_since: number;
      average_seconds: number | null;
      p95_seconds: number | null;
      stored_bytes: number;
    }>`
      SELECT
        count(*) FILTER (WHERE status = 'queued')::int AS queued,
        count(*) FILTER (WHERE status = 'processing')::int AS processing,
        count(*) FILTER (WHERE status = 'completed')::int AS completed,
        count(*) FILTER (WHERE status = 'failed')::int AS failed,
        count(*) FILTER (WHERE status = 'cancelled')::int AS cancelled,
        count(*)::int AS total,
        count(*) FILTER (WHERE status = 'completed' AND finished_at >= ${since}::timestamptz)::int
          AS completed_since,
        (avg(${seconds}) FILTER (WHERE ${done}))::float8 AS average_seconds,
        (percentile_cont(0.95) WITHIN GROUP (ORDER BY ${seconds}) FILTER (WHERE ${done}))::float8
          AS p95_seconds,
        coalesce(sum((result ->> 'sizeBytes')::float8) FILTER (WHERE status = 'completed'), 0)::float8
          AS stored_bytes
      FROM jobs
      WHERE owner_id = ${ownerId}`;
    return ResultAsync.fromPromise(query.execute(this.db), toDatabaseUnavailable).map(({ rows }) => {
      const row = rows[0];
      if (row === undefined) throw new Error('an aggregate query returned no row');
      return {
        counts: {
          queued: row.queued,
          processing: row.processing,
          completed: row.completed,
          failed: row.failed,
          cancelled: row.cancelled,
        },
        total: row.total,
        completedSince: row.completed_since,
        averageProcessingSeconds: row.average_seconds,
        p95ProcessingSeconds: row.p95_seconds,
        storedBytes: row.stored_bytes,
      };
    });
  }

  throughputStats(windowMs: number): ResultAsync<ThroughputStats, DatabaseUnavailable> {
    // Processing seconds as float8: extract(epoch ...) is numeric, which pg returns as a string.
    const seconds = sql`extract(epoch FROM finished_at - started_at)::float8`;
    const done = sql`status = 'completed' AND started_at IS NOT NULL`;
    const query = sql<{
      as_of: Date;
      completed: number;
      failed: number;
      cancelled: number;
      p50: number | null;
      p95: number | null;
      mean: number | null;
      max: number | null;
    }>`
      SELECT now() AS as_of,
        count(*) FILTER (WHERE status = 'completed')::int AS completed,
        count(*) FILTER (WHERE status = 'failed')::int AS failed,
        count(*) FILTER (WHERE status = 'cancelled')::int AS cancelled,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY ${seconds}) FILTER (WHERE ${done}) AS p50,
        percentile_cont(0.95) WITHIN GROUP (ORDER BY ${seconds}) FILTER (WHERE ${done}) AS p95,
        avg(${seconds}) FILTER (WHERE ${done}) AS mean,
        max(${seconds}) FILTER (WHERE ${done}) AS max
      FROM jobs
      WHERE status IN ('completed', 'failed', 'cancelled')
        AND finished_at > now() - ${millis(windowMs)} AND finished_at <= now()`;
    return ResultAsync.fromPromise(query.execute(this.db), toDatabaseUnavailable).map(({ rows }) => {
      const row = rows[0];
      if (row === undefined) throw new Error('aggregate query returned no row');
      const num = (v: number | null): number | null => (v === null ? null : Number(v));
      return {
        asOf: row.as_of,
        windowMs,
        finished: { completed: row.completed, failed: row.failed, cancelled: row.cancelled },
        processingSeconds: { p50: num(row.p50), p95: num(row.p95), mean: num(row.mean), max: num(row.max) },
      };
    });
  }

  queueSnapshot(runningLimit: number): ResultAsync<QueueSnapshot, DatabaseUnavailable> {
    const summary = sql<{
      as_of: Date;
      queued: number;
      processing: number;
      completed: number;
      failed: number;
      cancelled: number;
      runnable: number;
      oldest_queued_at: Date | null;
      workers: string[] | null;
    }>`
      SELECT now() AS as_of,
        count(*) FILTER (WHERE status = 'queued')::int AS queued,
        count(*) FILTER (WHERE status = 'processing')::int AS processing,
        count(*) FILTER (WHERE status = 'completed')::int AS completed,
        count(*) FILTER (WHERE status = 'failed')::int AS failed,
        count(*) FILTER (WHERE status = 'cancelled')::int AS cancelled,
        count(*) FILTER (WHERE status = 'queued' AND run_at <= now())::int AS runnable,
        min(created_at) FILTER (WHERE status = 'queued') AS oldest_queued_at,
        json_agg(DISTINCT lease_owner) FILTER (WHERE status = 'processing' AND lease_owner IS NOT NULL)
          AS workers
      FROM jobs`;
    const running = sql<{
      id: string;
      owner_id: string;
      attempts: number;
      lease_owner: string | null;
      lease_expires_at: Date | null;
      progress_stage: string;
      progress_percent: number;
      started_at: Date | null;
    }>`
      SELECT id, owner_id, attempts, lease_owner, lease_expires_at, progress_stage, progress_percent, started_at
      FROM jobs
      WHERE status = 'processing'
      ORDER BY started_at NULLS FIRST, id
      LIMIT ${Math.max(0, Math.floor(runningLimit))}`;
    const read = async () => ({
      summary: (await summary.execute(this.db)).rows[0],
      running: (await running.execute(this.db)).rows,
    });
    return ResultAsync.fromPromise(read(), toDatabaseUnavailable).map(({ summary: s, running: rows }) => {
      if (s === undefined) throw new Error('aggregate query returned no row');
      return {
        asOf: s.as_of,
        counts: {
          queued: s.queued,
          processing: s.processing,
          completed: s.completed,
          failed: s.failed,
          cancelled: s.cancelled,
        },
        runnable: s.runnable,
        delayed: s.queued - s.runnable,
        oldestQueuedAt: s.oldest_queued_at,
        running: rows.map((r) => {
          if (!(STAGES as readonly string[]).includes(r.progress_stage))
            throw new Error(`jobs row ${r.id} has an unknown stage ${r.progress_stage}`);
          return {
            jobId: r.id,
            ownerId: r.owner_id,
            attempt: r.attempts,
            workerId: r.lease_owner,
            leaseExpiresAt: r.lease_expires_at,
            stage: r.progress_stage as Stage,
            percent: r.progress_percent,
            startedAt: r.started_at,
          };
        }),
        activeWorkers: [...(s.workers ?? [])].sort(),
      };
    });
  }

  ping(): ResultAsync<void, DatabaseUnavailable> {
    return ResultAsync.fromPromise(sql`SELECT 1`.execute(this.db), toDatabaseUnavailable).map(
      () => undefined,
    );
  }
}
