import { chmod, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ffmpegInstaller from '@ffmpeg-installer/ffmpeg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testRedis } from '../support/redis.js';
import { startS3Server, type S3TestServer } from '../support/s3rver.js';
import {
  Cluster,
  createDatabase,
  LEASE_SECONDS,
  printTable,
  ROUNDS,
  sleep,
  SWEEP_SECONDS,
  TERMINAL,
  TEST_DATABASE_URL,
  type JobRow,
  type ScenarioResult,
} from './harness.js';

/**
 * Worker faults on real processes: SIGKILL in every pipeline stage, SIGTERM of every worker,
 * a worker paused past its lease, poison jobs, and cancel racing completion. Two worker
 * processes (one slot each), one API process, PostgreSQL, s3rver, Redis when it answers.
 */
const required = process.env['REQUIRE_SERVICES'] === '1';
if (TEST_DATABASE_URL === undefined && required)
  throw new Error('REQUIRE_SERVICES=1 but TEST_DATABASE_URL is unset');
const redis = await testRedis();
const FIXTURES = path.join(import.meta.dirname, 'fixtures');
/** A job whose worker died runs again within lease + sweep interval (+ claim and start-up slack). */
const RECOVERY_BOUND_S = LEASE_SECONDS + SWEEP_SECONDS + 2;

describe.skipIf(TEST_DATABASE_URL === undefined)('reliability: worker faults', () => {
  let database: { url: string; drop(): Promise<void> };
  let s3: S3TestServer;
  let cluster: Cluster;
  const results: ScenarioResult[] = [];
  const poisonFile = path.join(tmpdir(), `framecast-poison-${process.pid}`);

  beforeAll(async () => {
    database = await createDatabase(TEST_DATABASE_URL!);
    s3 = await startS3Server({ bucket: 'framecast-reliability' });
    await writeFile(poisonFile, '');
    await chmod(path.join(FIXTURES, 'crashing-ffmpeg.sh'), 0o755);
    cluster = new Cluster({
      databaseUrl: database.url,
      s3,
      redisUrl: redis.url ?? undefined,
      env: {
        // Every worker runs FFmpeg through a wrapper that SIGKILLs itself for the poison jobs listed.
        FFMPEG_PATH: path.join(FIXTURES, 'crashing-ffmpeg.sh'),
        REAL_FFMPEG: ffmpegInstaller.path,
        POISON_FILE: poisonFile,
      },
    });
    await cluster.start(2);
  }, 120_000);

  afterAll(async () => {
    printTable('Worker faults', results);
    await cluster?.stop();
    await s3?.stop();
    await database?.drop();
    await writeFile(poisonFile, '').catch(() => undefined);
    const { rm } = await import('node:fs/promises');
    await rm(poisonFile, { force: true });
  }, 60_000);

  /** Keeps two live workers (a killed one is replaced in the background). */
  const replenish = async (): Promise<void> => {
    while (cluster.liveWorkers().length < 2) await cluster.startWorker();
  };

  it('SIGKILL of the worker in each pipeline stage: the job runs again within lease + sweep and completes once', async () => {
    const stages = ['planning', 'narration', 'rendering', 'composing', 'thumbnail', 'uploading'];
    const ids: string[] = [];
    const recoveries: number[] = [];
    const killedIn: string[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const stage of stages) {
        await replenish();
        const id = await cluster.submit({ topic: `Kill in ${stage} ${round}` });
        ids.push(id);
        const order = stages.indexOf(stage);
        // Kill at a random moment of the stage: wait for it, then a little more (never past it on purpose).
        const reached = await cluster.waitFor(
          id,
          (r) => r.status === 'processing' && stages.indexOf(r.progress_stage) >= order,
          60_000,
          10,
        );
        expect(reached, `job ${id} never reached ${stage}`).not.toBeNull();
        // Short stages (planning, thumbnail, uploading last a few hundred ms at preview quality): at once.
        if (['narration', 'rendering', 'composing'].includes(stage)) await sleep(Math.random() * 300);
        const row = (await cluster.job(id))!;
        if (row.status !== 'processing') continue; // finished before the kill: nothing to recover
        const victim = cluster.ownerOf(row);
        expect(victim, `no worker owns ${row.lease_owner}`).toBeDefined();
        victim!.child.kill('SIGKILL');
        const killedAt = performance.now();
        killedIn.push(row.progress_stage);
        void replenish();
        const again = await cluster.waitFor(
          id,
          (r) => (r.status === 'processing' && r.attempts > row.attempts) || TERMINAL.includes(r.status),
          60_000,
        );
        expect(again, `job ${id} never ran again`).not.toBeNull();
        recoveries.push((again!.at - killedAt) / 1000);
      }
    }
    await replenish();
    await cluster.waitTerminal(ids, 180_000);
    const swept = await cluster.sweepOrphans();
    const check = await cluster.checkInvariants(ids, { expectStatus: 'completed' });
    results.push({
      scenario: 'SIGKILL worker per stage',
      runs: ids.length,
      jobs: ids.length,
      lost: check.lost,
      duplicated: check.duplicated,
      stuck: check.stuck,
      maxRecoverySeconds: Math.max(...recoveries),
      notes: `killed in ${[...new Set(killedIn)].join('/')}; ${swept.orphanedObjects} orphaned objects swept`,
    });
    expect(check.problems).toEqual([]);
    expect(Math.max(...recoveries)).toBeLessThan(RECOVERY_BOUND_S);
  }, 600_000);

  it('SIGTERM of every worker while jobs run: they drain or release, exit 0, and nothing is stuck or duplicated', async () => {
    const ids: string[] = [];
    let maxRelease = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      await replenish();
      const batch = await Promise.all(
        [0, 1, 2, 3].map((i) => cluster.submit({ topic: `Drain ${round}.${i}` })),
      );
      ids.push(...batch);
      for (const id of batch.slice(0, 2)) await cluster.waitFor(id, (r) => r.status !== 'queued', 60_000);
      const workers = cluster.liveWorkers();
      const termAt = performance.now();
      const codes = await Promise.all(workers.map((w) => w.stop('SIGTERM')));
      maxRelease = Math.max(maxRelease, (performance.now() - termAt) / 1000);
      expect(codes).toEqual(workers.map(() => 0));
      const { rows } = await cluster.db.query<JobRow>(
        `SELECT * FROM jobs WHERE id = ANY($1) AND status = 'processing'`,
        [batch],
      );
      expect(rows, 'a job stayed processing after every worker exited').toEqual([]);
      const { rows: released } = await cluster.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM job_events WHERE job_id = ANY($1) AND data->>'event' = 'released'`,
        [batch],
      );
      // Released jobs did not lose an attempt.
      const { rows: attempts } = await cluster.db.query<{ status: string; attempts: number }>(
        `SELECT status, attempts FROM jobs WHERE id = ANY($1)`,
        [batch],
      );
      for (const a of attempts) if (a.status === 'queued') expect(a.attempts).toBe(0);
      void released;
    }
    await replenish();
    await cluster.waitTerminal(ids, 180_000);
    const check = await cluster.checkInvariants(ids, { expectStatus: 'completed' });
    results.push({
      scenario: 'SIGTERM all workers',
      runs: ROUNDS,
      jobs: ids.length,
      lost: check.lost,
      duplicated: check.duplicated,
      stuck: check.stuck,
      maxRecoverySeconds: maxRelease,
      notes: 'recovery = SIGTERM to exit (grace 2 s)',
    });
    expect(check.problems).toEqual([]);
  }, 600_000);

  it('a worker paused (SIGSTOP) past its lease and resumed: its late attempt is refused and leaves no files', async () => {
    const ids: string[] = [];
    const recoveries: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      await replenish();
      const id = await cluster.submit({ topic: `Paused ${round}` });
      ids.push(id);
      const reached = await cluster.waitFor(
        id,
        (r) =>
          r.status === 'processing' && ['composing', 'thumbnail', 'uploading'].includes(r.progress_stage),
        60_000,
        10,
      );
      expect(reached).not.toBeNull();
      const row = reached!.row;
      const victim = cluster.ownerOf(row)!;
      victim.child.kill('SIGSTOP');
      const pausedAt = performance.now();
      const again = await cluster.waitFor(
        id,
        (r) => (r.status === 'processing' && r.attempts > row.attempts) || TERMINAL.includes(r.status),
        60_000,
      );
      recoveries.push((again!.at - pausedAt) / 1000);
      // Keep it paused until the other worker finished the job, then let it resume.
      await cluster.waitTerminal([id], 120_000);
      victim.child.kill('SIGCONT');
      await sleep(LEASE_SECONDS * 1000); // time for the late attempt to notice and clean up
      const { rows } = await cluster.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM job_events WHERE job_id = $1 AND message = 'Job completed' AND (data->>'attempt')::int = $2`,
        [id, row.attempts],
      );
      expect(rows[0]!.n, 'the paused attempt completed the job').toBe(0);
    }
    // No orphan sweep here: the late attempt must have removed its own files.
    const check = await cluster.checkInvariants(ids, { expectStatus: 'completed' });
    results.push({
      scenario: 'SIGSTOP past lease, SIGCONT',
      runs: ROUNDS,
      jobs: ids.length,
      lost: check.lost,
      duplicated: check.duplicated,
      stuck: check.stuck,
      maxRecoverySeconds: Math.max(...recoveries),
    });
    expect(check.problems).toEqual([]);
    expect(Math.max(...recoveries)).toBeLessThan(RECOVERY_BOUND_S);
  }, 600_000);

  it('poison jobs (a permanent failure; a renderer that always crashes) fail after their attempts and do not hold up others', async () => {
    await replenish();
    const permanent = await cluster.submit({ topic: 'Unknown voice', voice: 'xx-nope' });
    const crasher = await cluster.submit({ topic: 'Crashes the renderer', narration: false });
    await writeFile(poisonFile, `${crasher}\n`);
    const others = await Promise.all(
      Array.from({ length: 2 * ROUNDS }, (_, i) =>
        cluster.submit({ topic: `Healthy ${i}`, narration: false }),
      ),
    );
    const started = performance.now();
    const [othersDone] = await Promise.all([
      cluster.waitTerminal(others, 180_000).then(() => (performance.now() - started) / 1000),
      cluster.waitTerminal([permanent, crasher], 180_000),
    ]);
    const poison = await cluster.checkInvariants([permanent, crasher], { expectStatus: 'failed' });
    const healthy = await cluster.checkInvariants(others, { expectStatus: 'completed' });
    const rows = new Map(poison.rows.map((r) => [r.id, r]));
    expect(rows.get(permanent)).toMatchObject({ status: 'failed', attempts: 1 });
    expect(rows.get(crasher)).toMatchObject({ status: 'failed', attempts: 3 });
    // The dead-letter view shows every attempt's error.
    const deadLetter = await cluster.api$('/system/jobs/failed?limit=10');
    expect(deadLetter.status).toBe(200);
    const view = (await deadLetter.json()) as { items: { id: string; attemptErrors: unknown[] }[] };
    expect(view.items.find((i) => i.id === crasher)?.attemptErrors).toHaveLength(3);
    results.push({
      scenario: 'poison jobs',
      runs: 1,
      jobs: 2 + others.length,
      lost: poison.lost + healthy.lost,
      duplicated: poison.duplicated + healthy.duplicated,
      stuck: poison.stuck + healthy.stuck,
      maxRecoverySeconds: null,
      notes: `healthy jobs done in ${othersDone.toFixed(1)} s`,
    });
    expect([...poison.problems, ...healthy.problems]).toEqual([]);
  }, 400_000);

  it('cancel racing completion: every run ends in exactly one of the two, consistently', async () => {
    const runs = 4 * ROUNDS;
    const ids: string[] = [];
    const latencies: number[] = [];
    const outcomes = { cancelled: 0, completed: 0 };
    const problems: string[] = [];
    await replenish();
    for (let i = 0; i < runs; i += 1) {
      const id = await cluster.submit({ topic: `Race ${i}`, narration: false });
      ids.push(id);
      // Late in the job (thumbnail/uploading or just before), or right after it completed (a
      // threshold above 100 waits for the end): the cancel lands around the completion.
      const threshold = 80 + Math.random() * 22;
      await cluster.waitFor(
        id,
        (r) => r.progress_percent >= threshold || TERMINAL.includes(r.status),
        60_000,
        5,
      );
      const asked = performance.now();
      const res = await cluster.api$(`/jobs/${id}/cancel`, { method: 'POST' });
      const done = await cluster.waitFor(id, (r) => TERMINAL.includes(r.status), 60_000, 20);
      const row = done!.row;
      if (row.status === 'cancelled') latencies.push((done!.at - asked) / 1000);
      outcomes[row.status as 'cancelled' | 'completed'] += 1;
      // 202/200 (accepted) must end cancelled; 409 (already finished) must be completed.
      if ((res.status === 202 || res.status === 200) !== (row.status === 'cancelled'))
        problems.push(`${id}: cancel answered ${res.status} but the job ended ${row.status}`);
    }
    const check = await cluster.checkInvariants(ids);
    // A cancel well before the end, for the latency of a cancel reaching a running render.
    for (let i = 0; i < ROUNDS; i += 1) {
      const id = await cluster.submit({ topic: `Cancel latency ${i}` });
      await cluster.waitFor(id, (r) => r.progress_stage === 'composing', 60_000, 10);
      const asked = performance.now();
      const res = await cluster.api$(`/jobs/${id}/cancel`, { method: 'POST' });
      expect(res.status).toBe(202);
      const done = await cluster.waitFor(id, (r) => r.status === 'cancelled', 10_000, 10);
      expect(done).not.toBeNull();
      latencies.push((done!.at - asked) / 1000);
    }
    results.push({
      scenario: 'cancel vs complete race',
      runs,
      jobs: ids.length,
      lost: check.lost,
      duplicated: check.duplicated,
      stuck: check.stuck,
      maxRecoverySeconds: Math.max(...latencies),
      notes: `${outcomes.cancelled} cancelled, ${outcomes.completed} completed; recovery = cancel latency`,
    });
    expect([...problems, ...check.problems]).toEqual([]);
    expect(Math.max(...latencies)).toBeLessThan(1.5);
  }, 400_000);
});
