import { sql, type Kysely, type Selectable } from 'kysely';
import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import type { Batch, BatchJobTally, BatchNotFound } from '../../domain/batch.js';
import { JOB_STATUSES, type Job, type JobStatus } from '../../domain/job.js';
import type { BatchRepository } from '../../ports/batch-repository.js';
import type { DatabaseUnavailable } from '../../ports/errors.js';
import type { BatchesTable, Database } from './database.js';
import { toDatabaseUnavailable } from './database-error.js';
import { jobToColumns } from './job-row.js';

type BatchRow = Selectable<BatchesTable>;

/** A row that breaks the schema's invariants is a bug (or a hand edit): thrown, never returned. */
function rowToBatch(row: BatchRow): Batch {
  const ids = row.job_ids;
  if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string'))
    throw new Error(`batches row ${row.id} cannot be read: job_ids is not an array of strings`);
  return {
    id: row.id,
    ownerId: row.owner_id,
    name: row.name,
    jobIds: Object.freeze([...(ids as string[])]),
    createdAt: row.created_at,
  };
}

/**
 * {@link BatchRepository} over Kysely (PostgreSQL and PGlite). The batch row and its job rows
 * are written in one transaction; aggregates are one `GROUP BY` over `jobs.batch_id`.
 */
export class KyselyBatchRepository implements BatchRepository {
  constructor(private readonly db: Kysely<Database>) {}

  insert(batch: Batch, jobs: readonly Job[]): ResultAsync<Batch, DatabaseUnavailable> {
    for (const job of jobs)
      if (job.batchId !== batch.id) throw new Error(`job ${job.id} does not belong to batch ${batch.id}`);
    const write = this.db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('batches')
        .values({
          id: batch.id,
          owner_id: batch.ownerId,
          name: batch.name,
          job_ids: JSON.stringify(batch.jobIds),
          created_at: batch.createdAt,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      if (jobs.length > 0) await trx.insertInto('jobs').values(jobs.map(jobToColumns)).execute();
      return row;
    });
    return ResultAsync.fromPromise(write, toDatabaseUnavailable).map(rowToBatch);
  }

  findById(batchId: string): ResultAsync<Batch, BatchNotFound | DatabaseUnavailable> {
    return ResultAsync.fromPromise(
      this.db.selectFrom('batches').selectAll().where('id', '=', batchId).executeTakeFirst(),
      toDatabaseUnavailable,
    ).andThen((row) =>
      row === undefined ? errAsync({ type: 'BatchNotFound' as const, batchId }) : okAsync(rowToBatch(row)),
    );
  }

  jobTallies(batchId: string): ResultAsync<BatchJobTally[], DatabaseUnavailable> {
    return ResultAsync.fromPromise(
      this.db
        .selectFrom('jobs')
        .select([
          'status',
          sql<number>`count(*)::int`.as('count'),
          sql<number>`coalesce(sum(progress_percent), 0)::int`.as('percent_sum'),
        ])
        .where('batch_id', '=', batchId)
        .groupBy('status')
        .orderBy('status')
        .execute(),
      toDatabaseUnavailable,
    ).map((rows) =>
      rows.map((row) => {
        if (!(JOB_STATUSES as readonly string[]).includes(row.status))
          throw new Error(`jobs table holds an unknown status ${row.status}`);
        return { status: row.status as JobStatus, count: row.count, percentSum: row.percent_sum };
      }),
    );
  }

  deleteByOwner(ownerId: string): ResultAsync<number, DatabaseUnavailable> {
    return ResultAsync.fromPromise(
      this.db.deleteFrom('batches').where('owner_id', '=', ownerId).executeTakeFirst(),
      toDatabaseUnavailable,
    ).map((result) => Number(result.numDeletedRows));
  }
}
