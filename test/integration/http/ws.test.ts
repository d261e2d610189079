import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { T } from '../../../src/container/tokens.js';
import { claimJob, completeJob, reportProgress, type Job } from '../../../src/domain/job.js';
import { createTestApp, KEY_A, KEY_B, type TestApp } from '../../support/http-app.js';
import { testRedis } from '../../support/redis.js';

let t: TestApp;
let base: string;
let wsBase: string;
beforeAll(async () => {
  t = await createTestApp({ WS_PING_INTERVAL_MS: '100' });
  base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  wsBase = base.replace(/^http/, 'ws');
});
afterAll(async () => {
  await t.close();
});

interface Message {
  type: 'status' | 'progress';
  job: { jobId: string; status: string; progress: { stage: string; percent: number }; at: string };
}

interface Session {
  readonly socket: WebSocket;
  readonly messages: Message[];
  /** Resolves with the close code and reason. */
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Resolves once `n` messages have arrived. */
  received(n: number): Promise<void>;
}

/** Opens a WebSocket and records every message until it closes. */
function connect(
  path: string,
  headers: Record<string, string> = {},
  options: WebSocket.ClientOptions = {},
  server = wsBase,
): Session {
  const socket = new WebSocket(`${server}${path}`, { headers, ...options });
  const messages: Message[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  socket.on('message', (data: Buffer) => {
    messages.push(JSON.parse(data.toString('utf8')) as Message);
    for (const w of waiters.filter((w) => messages.length >= w.n)) w.resolve();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') })),
  );
  socket.on('error', () => undefined);
  return {
    socket,
    messages,
    closed,
    received: (n) =>
      messages.length >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve })),
  };
}

/** The HTTP status of a refused upgrade. */
function refusedStatus(path: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${wsBase}${path}`, { headers });
    socket.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('open', () => reject(new Error('upgrade was accepted')));
    socket.on('error', () => undefined);
  });
}

async function submit(key = KEY_A): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/videos/generate',
    headers: { 'x-api-key': key },
    payload: { topic: 'Live over WebSocket' },
  });
  return (res.json() as { id: string }).id;
}

/** Moves the queued job through processing (three progress steps) to completed, publishing each state. */
async function runToCompletion(id: string): Promise<Job> {
  const activity = await t.container.resolve(T.activity);
  let job = (await t.jobs.findById(id))._unsafeUnwrap();
  job = (
    await t.jobs.update(claimJob(job, { workerId: 'w', leaseMs: 60_000, now: new Date() })._unsafeUnwrap())
  )._unsafeUnwrap();
  await activity.publish(job);
  for (const percent of [25, 50, 75]) {
    job = (
      await t.jobs.update(
        reportProgress(job, { attempt: 1, stage: 'rendering', percent, now: new Date() })._unsafeUnwrap(),
      )
    )._unsafeUnwrap();
    await activity.publish(job, `rendering ${percent}%`);
  }
  const stored = await t.completedJob();
  job = (
    await t.jobs.update(
      completeJob(job, { attempt: 1, result: stored.result!, now: new Date() })._unsafeUnwrap(),
    )
  )._unsafeUnwrap();
  await activity.publish(job);
  return job;
}

describe('WS /ws/jobs/{jobId}', () => {
  it('gives two clients of one job identical ordered updates, ending in completed and close 1000', async () => {
    const id = await submit();
    const a = connect(`/ws/jobs/${id}`, { 'x-api-key': KEY_A });
    const b = connect(`/ws/jobs/${id}?access_token=${KEY_A}`);
    await Promise.all([a.received(1), b.received(1)]);

    await runToCompletion(id);
    const [closedA, closedB] = await Promise.all([a.closed, b.closed]);

    expect(closedA).toEqual({ code: 1000, reason: 'job finished' });
    expect(closedB.code).toBe(1000);
    expect(a.messages).toEqual(b.messages);
    expect(a.messages.map((m) => [m.type, m.job.status, m.job.progress.percent])).toEqual([
      ['status', 'queued', 0],
      ['progress', 'processing', 0],
      ['progress', 'processing', 25],
      ['progress', 'processing', 50],
      ['progress', 'processing', 75],
      ['progress', 'completed', 100],
    ]);
    expect(a.messages.every((m) => m.job.jobId === id)).toBe(true);
    const times = a.messages.map((m) => m.job.at);
    expect(times).toEqual([...times].sort());
  });

  it('sends a reconnecting client the current state first', async () => {
    const id = await submit();
    const first = connect(`/ws/jobs/${id}`, { 'x-api-key': KEY_A });
    await first.received(1);
    const activity = await t.container.resolve(T.activity);
    let job = (await t.jobs.findById(id))._unsafeUnwrap();
    job = (
      await t.jobs.update(claimJob(job, { workerId: 'w', leaseMs: 60_000, now: new Date() })._unsafeUnwrap())
    )._unsafeUnwrap();
    job = (
      await t.jobs.update(
        reportProgress(job, { attempt: 1, stage: 'composing', percent: 60, now: new Date() })._unsafeUnwrap(),
      )
    )._unsafeUnwrap();
    await activity.publish(job);
    await first.received(2);
    first.socket.close();
    await first.closed;

    const again = connect(`/ws/jobs/${id}`, { 'x-api-key': KEY_A });
    await again.received(1);
    expect(again.messages[0]).toMatchObject({
      type: 'status',
      job: { jobId: id, status: 'processing', progress: { stage: 'composing', percent: 60 } },
    });
    again.socket.close();
    await again.closed;
  });

  it('sends a finished job its final state and closes with 1000', async () => {
    const job = await t.completedJob();
    const ok = connect(`/ws/jobs/${job.id}`, { 'x-api-key': KEY_A });
    expect(await ok.closed).toEqual({ code: 1000, reason: 'job finished' });
    expect(ok.messages).toEqual([
      expect.objectContaining({ type: 'status', job: expect.objectContaining({ status: 'completed' }) }),
    ]);
  });

  it("closes with 4404 for another user's job and for an unknown job", async () => {
    const job = await t.completedJob();
    const foreign = connect(`/ws/jobs/${job.id}`, { 'x-api-key': KEY_B });
    expect((await foreign.closed).code).toBe(4404);
    expect(foreign.messages).toEqual([]);
    const unknown = connect(`/ws/jobs/no-such-job`, { 'x-api-key': KEY_A });
    expect(await unknown.closed).toEqual({ code: 4404, reason: 'job not found' });
  });

  it('refuses the upgrade with 401 without or with bad credentials (header or query)', async () => {
    const id = await submit();
    expect(await refusedStatus(`/ws/jobs/${id}`)).toBe(401);
    expect(await refusedStatus(`/ws/jobs/${id}`, { 'x-api-key': 'fc_not-a-real-key-000000000000' })).toBe(
      401,
    );
    expect(await refusedStatus(`/ws/jobs/${id}?access_token=fc_not-a-real-key-000000000000`)).toBe(401);
    // A JWT-shaped query token is read as a session token: refused here (no identity provider).
    expect(await refusedStatus(`/ws/jobs/${id}?access_token=aaa.bbb.ccc`)).toBe(401);
  });

  it('accepts an API key in the access_token query parameter', async () => {
    const job = await t.completedJob();
    const s = connect(`/ws/jobs/${job.id}?access_token=${encodeURIComponent(KEY_A)}`);
    expect((await s.closed).code).toBe(1000);
    expect(s.messages[0]).toMatchObject({ type: 'status', job: { jobId: job.id, status: 'completed' } });
  });

  it('answers a plain GET with 426 (after authentication) and 401 without credentials', async () => {
    const id = await submit();
    const plain = await fetch(`${base}/ws/jobs/${id}`, { headers: { 'x-api-key': KEY_A } });
    expect(plain.status).toBe(426);
    expect(plain.headers.get('content-type')).toContain('application/problem+json');
    expect(await plain.json()).toMatchObject({ status: 426, code: 'UPGRADE_REQUIRED' });
    const anonymous = await fetch(`${base}/ws/jobs/${id}`);
    expect(anonymous.status).toBe(401);
  });

  it('drops a client that stops answering pings', async () => {
    const id = await submit();
    // autoPong: false makes the client ignore pings (ws >= 8.16).
    const s = connect(`/ws/jobs/${id}`, { 'x-api-key': KEY_A }, { autoPong: false });
    await s.received(1);
    const { code } = await s.closed;
    expect(code).toBe(1006); // terminated without a close frame
  });

  it('keeps a client that answers pings', async () => {
    const id = await submit();
    const s = connect(`/ws/jobs/${id}`, { 'x-api-key': KEY_A });
    await s.received(1);
    await new Promise((r) => setTimeout(r, 450)); // four ping periods
    expect(s.socket.readyState).toBe(WebSocket.OPEN);
    s.socket.close();
    await s.closed;
  });
});

// Two API instances (one job store, as with one PostgreSQL) fanned out through Redis pub/sub.
const redis = await testRedis();
describe.skipIf(redis.url === null)('WS /ws/jobs/{jobId} across API instances (Redis pub/sub)', () => {
  let one: TestApp;
  let two: TestApp;
  let wsOne: string;
  let wsTwo: string;
  beforeAll(async () => {
    // Publishing is best effort (a timed-out PUBLISH is dropped): a generous command timeout keeps
    // a loaded test machine from losing updates, so the exact lists below are deterministic.
    const env = { REDIS_URL: redis.url ?? '', REDIS_COMMAND_TIMEOUT_MS: '5000' };
    one = await createTestApp(env);
    two = await createTestApp(env, { jobs: one.jobs, events: one.events });
    wsOne = (await one.app.listen({ host: '127.0.0.1', port: 0 })).replace(/^http/, 'ws');
    wsTwo = (await two.app.listen({ host: '127.0.0.1', port: 0 })).replace(/^http/, 'ws');
  }, 180_000);
  afterAll(async () => {
    await two?.close();
    await one?.close();
  });

  it('gives clients of different instances identical ordered updates of a job driven on one of them', async () => {
    // Both instances must hear the channel before the job moves: start-up returns after at most
    // 2 s even when the SUBSCRIBE is still unconfirmed (a loaded machine), and the test asserts the
    // exact list of pub/sub updates.
    for (const instance of [one, two]) {
      const events = (await instance.container.resolve(T.jobEvents)) as unknown as {
        isSubscribed(): boolean;
      };
      const deadline = Date.now() + 20_000;
      while (!events.isSubscribed() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(events.isSubscribed()).toBe(true);
    }
    const created = await one.app.inject({
      method: 'POST',
      url: '/api/v1/videos/generate',
      headers: { 'x-api-key': KEY_A },
      payload: { topic: 'Across instances' },
    });
    const id = (created.json() as { id: string }).id;
    const a = connect(`/ws/jobs/${id}`, { 'x-api-key': KEY_A }, {}, wsOne);
    const b = connect(`/ws/jobs/${id}`, { 'x-api-key': KEY_A }, {}, wsTwo);
    await Promise.all([a.received(1), b.received(1)]);

    const activity = await one.container.resolve(T.activity);
    let job = (await one.jobs.findById(id))._unsafeUnwrap();
    job = (
      await one.jobs.update(
        claimJob(job, { workerId: 'w', leaseMs: 60_000, now: new Date() })._unsafeUnwrap(),
      )
    )._unsafeUnwrap();
    await activity.publish(job);
    for (const percent of [30, 60]) {
      job = (
        await one.jobs.update(
          reportProgress(job, { attempt: 1, stage: 'rendering', percent, now: new Date() })._unsafeUnwrap(),
        )
      )._unsafeUnwrap();
      await activity.publish(job);
    }
    const stored = await one.completedJob();
    job = (
      await one.jobs.update(
        completeJob(job, { attempt: 1, result: stored.result!, now: new Date() })._unsafeUnwrap(),
      )
    )._unsafeUnwrap();
    await activity.publish(job);

    // On a stall, say which client waits and what each has seen (instead of a bare test timeout).
    const [closedA, closedB] = await Promise.race([
      Promise.all([a.closed, b.closed]),
      new Promise<never>((_, reject) =>
        setTimeout(() => {
          const seen = (c: typeof a): string =>
            JSON.stringify(c.messages.map((m) => [m.type, m.job.status, m.job.progress.percent]));
          reject(new Error(`clients still open after 40 s: one saw ${seen(a)}, two saw ${seen(b)}`));
        }, 40_000).unref(),
      ),
    ]);
    expect([closedA.code, closedB.code]).toEqual([1000, 1000]);
    expect(b.messages).toEqual(a.messages);
    expect(a.messages.map((m) => [m.type, m.job.status, m.job.progress.percent])).toEqual([
      ['status', 'queued', 0],
      ['progress', 'processing', 0],
      ['progress', 'processing', 30],
      ['progress', 'processing', 60],
      ['progress', 'completed', 100],
    ]);
  }, 90_000);
});
