import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Server, type S3TestServer } from '../support/s3rver.js';
import { Cluster, defaultSpec, printTable, ROUNDS, sleep, type ScenarioResult } from './harness.js';
import {
  privatePostgresUnavailable,
  startPrivatePostgres,
  type PrivatePostgres,
} from './private-postgres.js';

/**
 * PostgreSQL crashes and restarts during a burst of submissions, on a private throwaway cluster
 * (initdb + pg_ctl as the postgres OS user). While it is down, clients get 503 problem+json with
 * Retry-After; every 201 given survives; workers reconnect and drain the queue.
 */
const unavailable = privatePostgresUnavailable();
if (unavailable !== null && process.env['REQUIRE_SERVICES'] === '1')
  throw new Error(`REQUIRE_SERVICES=1 but a private PostgreSQL cluster cannot start: ${unavailable}`);

interface Answer {
  status: number | 'timeout' | 'network';
  at: number;
  id?: string;
  contentType?: string | null;
  retryAfter?: string | null;
}

describe.skipIf(unavailable !== null)('reliability: PostgreSQL restart', () => {
  let postgres: PrivatePostgres;
  let s3: S3TestServer;
  let cluster: Cluster;
  const results: ScenarioResult[] = [];

  beforeAll(async () => {
    postgres = await startPrivatePostgres();
    s3 = await startS3Server({ bucket: 'framecast-reliability-pg' });
    cluster = new Cluster({ databaseUrl: postgres.url, s3, env: { DATABASE_STATEMENT_TIMEOUT_MS: '5000' } });
    await cluster.start(1, { WORKER_CONCURRENCY: '2' });
  }, 120_000);

  afterAll(async () => {
    printTable('PostgreSQL restart', results);
    await cluster?.stop();
    await s3?.stop();
    await postgres?.destroy();
  }, 60_000);

  it('answers 503 + Retry-After while the database is down, keeps every accepted job, and drains the queue after', async () => {
    const answers: Answer[] = [];
    const ids: string[] = [];
    let maxRecovery = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      let submitting = true;
      const submitter = (async () => {
        let i = 0;
        while (submitting) {
          const at = performance.now();
          i += 1;
          try {
            const res = await cluster.api$('/videos/generate', {
              method: 'POST',
              body: JSON.stringify({ ...defaultSpec(), topic: `Burst ${round}.${i}`, narration: false }),
              signal: AbortSignal.timeout(10_000),
            });
            const body = (await res.json()) as { id?: string };
            answers.push({
              status: res.status,
              at,
              ...(res.status === 201 && body.id !== undefined ? { id: body.id } : {}),
              contentType: res.headers.get('content-type'),
              retryAfter: res.headers.get('retry-after'),
            });
            if (res.status === 201 && body.id !== undefined) ids.push(body.id);
          } catch (error) {
            answers.push({ status: (error as Error).name === 'TimeoutError' ? 'timeout' : 'network', at });
          }
          await sleep(250);
        }
      })();
      await sleep(1_500);
      const crashedAt = performance.now();
      await postgres.crash();
      await sleep(3_000);
      await postgres.start();
      const restartedAt = performance.now();
      // Keep submitting until one is accepted again (the API reconnected).
      const deadline = Date.now() + 30_000;
      while (!answers.some((a) => a.at > restartedAt && a.status === 201) && Date.now() < deadline)
        await sleep(100);
      await sleep(1_000);
      submitting = false;
      await submitter;
      const firstAfter = answers.find((a) => a.at > restartedAt && a.status === 201);
      maxRecovery = Math.max(
        maxRecovery,
        firstAfter === undefined ? Infinity : (firstAfter.at - restartedAt) / 1000,
      );
      const during = answers.filter((a) => a.at > crashedAt && a.at < restartedAt);
      expect(during.length, 'no request was made while the database was down').toBeGreaterThan(0);
    }

    expect(cluster.crashes()).toEqual([]);
    const unexpected = answers.filter((a) => a.status !== 201 && a.status !== 503);
    const unavailableAnswers = answers.filter((a) => a.status === 503);
    await cluster.waitTerminal(ids, 180_000);
    const check = await cluster.checkInvariants(ids, { expectStatus: 'completed' });
    results.push({
      scenario: 'PostgreSQL crash + restart during submissions',
      runs: ROUNDS,
      jobs: ids.length,
      lost: check.lost,
      duplicated: check.duplicated,
      stuck: check.stuck,
      maxRecoverySeconds: maxRecovery,
      notes: `${answers.length} submits: ${ids.length} x 201, ${unavailableAnswers.length} x 503, ${unexpected.length} other; recovery = restart to first 201`,
    });
    expect(unexpected.map((a) => a.status)).toEqual([]);
    expect(unavailableAnswers.length).toBeGreaterThan(0);
    for (const a of unavailableAnswers) {
      expect(a.contentType).toContain('application/problem+json');
      expect(Number(a.retryAfter)).toBeGreaterThan(0);
    }
    expect(check.problems).toEqual([]);
  }, 400_000);
});
