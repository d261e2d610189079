import { sql } from 'kysely';
import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import { JOB_STATUSES } from '../../domain/job.js';
import { toDatabaseUnavailable } from './database-error.js';
import { jobToColumns } from './job-row.js';
/** A row that breaks the schema's invariants is a bug (or a hand edit): thrown, never returned. */
function rowToBatch(row) {
    const ids = row.job_ids;
    if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string'))
        throw new Error(`batches row ${row.id} cannot be read: job_ids is not an array of strings`);
    return {
        id: row.id,
        ownerId: row.owner_id,
        name: row.name,
        jobIds: Object.freeze([...ids]),
        createdAt: row.created_at,
    };
}
/**
 * {@link BatchRepository} over Kysely (PostgreSQL and PGlite). The batch row and its job rows
 * are written in one transaction; aggregates are one `GROUP BY` over `jobs.batch_id`.
 */
export class KyselyBatchRepository {
    db;
    constructor(db) {
        this.db = db;
    }
    insert(batch, jobs) {
        for (const job of jobs)
            if (job.batchId !== batch.id)
                throw new Error(`job ${job.id} does not belong to batch ${batch.id}`);
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
            if (jobs.length > 0)
                await trx.insertInto('jobs').values(jobs.map(jobToColumns)).execute();
            return row;
        });
        return ResultAsync.fromPromise(write, toDatabaseUnavailable).map(rowToBatch);
    }
    findById(batchId) {
        return ResultAsync.fromPromise(this.db.selectFrom('batches').selectAll().where('id', '=', batchId).executeTakeFirst(), toDatabaseUnavailable).andThen((row) => row === undefined ? errAsync({ type: 'BatchNotFound', batchId }) : okAsync(rowToBatch(row)));
    }
    jobTallies(batchId) {
        return ResultAsync.fromPromise(this.db
            .selectFrom('jobs')
            .select([
            'status',
            sql `count(*)::int`.as('count'),
            sql `coalesce(sum(progress_percent), 0)::int`.as('percent_sum'),
        ])
            .where('batch_id', '=', batchId)
            .groupBy('status')
            .orderBy('status')
            .execute(), toDatabaseUnavailable).map((rows) => rows.map((row) => {
            if (!JOB_STATUSES.includes(row.status))
                throw new Error(`jobs table holds an unknown status ${row.status}`);
            return { status: row.status, count: row.count, percentSum: row.percent_sum };
        }));
    }
}
//# sourceMappingURL=kysely-batch-repository.js.map