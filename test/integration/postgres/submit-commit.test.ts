import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KyselyJobEventRepository } from '../../../src/adapters/postgres/kysely-job-event-repository.js';
import { KyselyJobRepository } from '../../../src/adapters/postgres/kysely-job-repository.js';
import {
  createPostgresDatabase,
  type PostgresDatabaseHandle,
} from '../../../src/adapters/postgres/postgres-database.js';
import { PostgresWorkSignal } from '../../../src/adapters/postgres/postgres-work-signal.js';
import type { JobEvent } from '../../../src/domain/job-event.js';
import { createJob } from '../../../src/domain/job.js';
import { VideoSpec } from '../../../src/domain/video-spec.js';
import { describeUnavailable, postgresTestDatabases, type TestDatabase } from '../../support/databases.js';
import { testPostgresUrl } from './test-postgres-url.js';

const spec = VideoSpec.create({ topic: 'Submit commit' })._unsafeUnwrap();
const T0 = new Date('2026-11-21T09:00:00.000Z');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const newJob = () => createJob({ id: randomUUID(), ownerId: 'owner-1', spec, maxAttempts: 3, now: T0 });
const queuedEvent = (jobId: string): JobEvent => ({
  id: randomUUID(),
  jobId,
  at: T0,
  level: 'info',
  stage: 'lifecycle',
  message: 'Job queued',
  data: {},
});

// TEST_DATABASE_URL / DATABASE_URL, else skipped (failed with REQUIRE_SERVICES=1).
const server = await testPostgresUrl();
const databases = await postgresTestDatabases();
afterAll(() => databases.dispose());

if (server.url !== null && databases.unavailable === null) {
  const url = server.url;

  describe('a submit’s write on PostgreSQL: job, first event and NOTIFY in one commit', () => {
    let t: TestDatabase;
    let notifyPool: PostgresDatabaseHandle;

    beforeEach(async () => {
      t = await databases.open();
      notifyPool = await createPostgresDatabase({
        connectionString: url,
        poolMax: 1,
        connectionTimeoutMs: 3_000,
        statementTimeoutMs: 5_000,
      });
    });

    afterEach(async () => {
      await notifyPool.close();
      await t.close();
    });

    it('wakes listeners of the channel when the job commits, and never for a write that failed', async () => {
      const channel = `fc_test_${process.pid}_${randomBytes(4).toString('hex')}`;
      const signal = new PostgresWorkSignal({ pool: notifyPool.pool, connectionString: url, channel });
      let wakes = 0;
      let woken = (): void => undefined;
      const firstWake = new Promise<void>((resolve) => {
        woken = resolve;
      });
      await signal.subscribe(() => {
        wakes += 1;
        woken();
      });
      try {
        const repo = new KyselyJobRepository(t.db, { wakeChannel: channel });
        const events = new KyselyJobEventRepository(t.db);
        expect(repo.wakesWorkersOnInsert).toBe(true);

        // A write that fails inside its statement (the event's id is taken) rolls back its NOTIFY too.
        const other = newJob();
        const taken = queuedEvent(other.id);
        (await repo.insertWithEvent(other, taken))._unsafeUnwrap();
        await firstWake;
        const failed = newJob();
        await expect(repo.insertWithEvent(failed, { ...taken, jobId: failed.id })).rejects.toThrow();

        // Notifications arrive in commit order on the one LISTEN connection: had the failed write
        // notified, its wake would come before this one's.
        const wokenAgain = new Promise<void>((resolve) => {
          woken = resolve;
        });
        const job = newJob();
        (await repo.insertWithEvent(job, queuedEvent(job.id)))._unsafeUnwrap();
        await wokenAgain;
        expect(wakes).toBe(2);
        expect((await repo.findById(failed.id))._unsafeUnwrapErr()).toMatchObject({ type: 'JobNotFound' });
        expect((await events.list(failed.id, { limit: 10 }))._unsafeUnwrap().items).toEqual([]);
      } finally {
        await signal.close();
      }
    });

    it('answers DatabaseUnavailable and stores nothing when its connection dies during the write', async () => {
      const repo = new KyselyJobRepository(t.db);
      const events = new KyselyJobEventRepository(t.db);
      const job = newJob();
      const outcome = await t.db.transaction().execute(async (trx) => {
        // Hold the write inside the server (waiting for a lock), then end its backend as a crash would.
        await sql`LOCK TABLE job_events IN ACCESS EXCLUSIVE MODE`.execute(trx);
        const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(trx);
        const locker = rows[0]!.pid;
        const write = repo.insertWithEvent(job, queuedEvent(job.id));
        // Polled from another connection: within a transaction pg_stat_activity is a snapshot.
        let victim: number | undefined;
        for (let i = 0; i < 1_000 && victim === undefined; i += 1) {
          const blocked = await sql<{ pid: number }>`
            SELECT pid FROM pg_stat_activity WHERE ${locker}::int = ANY(pg_blocking_pids(pid))`.execute(t.db);
          victim = blocked.rows[0]?.pid;
          if (victim === undefined) await sleep(10);
        }
        expect(victim).toBeDefined();
        await sql`SELECT pg_terminate_backend(${victim}::int)`.execute(t.db);
        return write;
      });

      expect(outcome._unsafeUnwrapErr()).toMatchObject({ type: 'DatabaseUnavailable' });
      expect((await repo.findById(job.id))._unsafeUnwrapErr()).toEqual({
        type: 'JobNotFound',
        jobId: job.id,
      });
      expect((await events.list(job.id, { limit: 10 }))._unsafeUnwrap().items).toEqual([]);
      // The pool recovers: the next write goes through.
      const next = newJob();
      expect((await repo.insertWithEvent(next, queuedEvent(next.id)))._unsafeUnwrap()).toEqual(next);
    });
  });
} else {
  describeUnavailable('a submit’s write on PostgreSQL', server.unavailable ?? databases);
}
