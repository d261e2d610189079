import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { T } from '../../../src/container/tokens.js';
import { claimJob, completeJob, requestCancel, type Job } from '../../../src/domain/job.js';
import { createTestApp, KEY_A, KEY_B, type TestApp } from '../../support/http-app.js';
import {
  startWebhookReceiver,
  type ReceivedWebhook,
  type WebhookReceiver,
} from '../../support/webhook-receiver.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
/** Milliseconds instead of the production schedule (5 s, 5 min, 30 min, ...). */
const FAST = {
  WEBHOOK_SECRET: SECRET,
  WEBHOOK_RETRY_SCHEDULE: '20ms,20ms,20ms',
  WEBHOOK_POLL_INTERVAL_MS: '20',
};

interface WebhookRow {
  id: string;
  eventType: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
}

/** Starts the dispatcher loop of a test app (the test app runs no worker, so it is not started). */
async function startDispatcher(t: TestApp): Promise<void> {
  (await t.container.resolve(T.webhookDispatchLoop)).start();
}

async function submit(t: TestApp, callbackUrl: string): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/videos/generate',
    headers: { 'x-api-key': KEY_A },
    payload: { topic: 'Webhook me', callbackUrl },
  });
  expect(res.statusCode).toBe(201);
  return (res.json() as { id: string }).id;
}

/** Runs the job to completion directly in the store, as a worker would. */
async function complete(t: TestApp, id: string): Promise<Job> {
  const stored = await t.completedJob();
  let job = (await t.jobs.findById(id))._unsafeUnwrap();
  job = (
    await t.jobs.update(claimJob(job, { workerId: 'w', leaseMs: 60_000, now: new Date() })._unsafeUnwrap())
  )._unsafeUnwrap();
  return (
    await t.jobs.update(
      completeJob(job, { attempt: 1, result: stored.result!, now: new Date() })._unsafeUnwrap(),
    )
  )._unsafeUnwrap();
}

async function webhooksOf(
  t: TestApp,
  id: string,
  key = KEY_A,
): Promise<{ status: number; rows: WebhookRow[] }> {
  const res = await t.app.inject({
    method: 'GET',
    url: `/api/v1/videos/jobs/${id}/metadata`,
    headers: { 'x-api-key': key },
  });
  return {
    status: res.statusCode,
    rows: res.statusCode === 200 ? (res.json() as { webhooks: WebhookRow[] }).webhooks : [],
  };
}

async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (done(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
}

const verify = (r: ReceivedWebhook): unknown =>
  new Webhook(SECRET).verify(r.body, {
    'webhook-id': String(r.headers['webhook-id']),
    'webhook-timestamp': String(r.headers['webhook-timestamp']),
    'webhook-signature': String(r.headers['webhook-signature']),
  });

describe('webhooks (callbackUrl) with private networks allowed (development/test default)', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    t = await createTestApp(FAST);
    // 500 to the first two attempts, 200 to the third (and to anything later).
    receiver = await startWebhookReceiver((_r, index, res) => res.writeHead(index < 2 ? 500 : 200).end());
    await startDispatcher(t);
  }, 180_000);
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  it('delivers a signed job.completed event, retrying 500s with the same webhook-id until a 200', async () => {
    const id = await submit(t, `${receiver.origin}/hooks/framecast`);
    const job = await complete(t, id);
    await receiver.waitFor(3);

    const attempts = receiver.received.slice(0, 3);
    for (const r of attempts) {
      expect(r.method).toBe('POST');
      expect(r.url).toBe('/hooks/framecast');
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['user-agent']).toBe('Framecast-Webhooks/1');
      expect(r.headers['webhook-signature']).toMatch(/^v1,/);
      expect(verify(r)).toEqual(JSON.parse(r.body)); // throws on a bad signature
    }
    expect(new Set(attempts.map((r) => r.headers['webhook-id'])).size).toBe(1);
    expect(new Set(attempts.map((r) => r.body)).size).toBe(1);
    const event = JSON.parse(attempts[0]!.body) as {
      type: string;
      timestamp: string;
      data: { job: Record<string, unknown> };
    };
    expect(event).toMatchObject({
      type: 'job.completed',
      timestamp: job.finishedAt!.toISOString(),
      data: {
        job: {
          id,
          status: 'completed',
          topic: 'Webhook me',
          progress: { stage: 'done', percent: 100 },
          links: { download: `/api/v1/videos/jobs/${id}/download` },
        },
      },
    });

    const { rows } = await until(
      () => webhooksOf(t, id),
      (w) => w.rows[0]?.status === 'delivered',
    );
    expect(rows).toEqual([
      {
        id: attempts[0]!.headers['webhook-id'],
        eventType: 'job.completed',
        status: 'delivered',
        attempts: 3,
        lastStatusCode: 200,
        lastError: null,
        nextAttemptAt: null,
        deliveredAt: expect.any(String),
      },
    ]);
    await new Promise((r) => setTimeout(r, 100));
    expect(receiver.received).toHaveLength(3); // delivered: never sent again
  });

  it('sends job.cancelled for a cancelled job, and shows deliveries only to the owner', async () => {
    const id = await submit(t, `${receiver.origin}/hooks/cancelled`);
    const queued = (await t.jobs.findById(id))._unsafeUnwrap();
    (await t.jobs.update(requestCancel(queued, new Date())._unsafeUnwrap()))._unsafeUnwrap();
    const { rows } = await until(
      () => webhooksOf(t, id),
      (w) => w.rows[0]?.status === 'delivered',
    );
    expect(rows[0]).toMatchObject({ eventType: 'job.cancelled', status: 'delivered', attempts: 1 });
    const event = receiver.received.find((r) => r.url === '/hooks/cancelled');
    expect(JSON.parse(event!.body)).toMatchObject({
      type: 'job.cancelled',
      data: { job: { id, status: 'cancelled' } },
    });
    expect((await webhooksOf(t, id, KEY_B)).status).toBe(404);
  });

  it('lists no deliveries for a job without a callback URL', async () => {
    const job = await t.completedJob();
    await new Promise((r) => setTimeout(r, 60));
    expect(await webhooksOf(t, job.id)).toEqual({ status: 200, rows: [] });
  });
});

describe('webhooks with the SSRF guard on (WEBHOOK_ALLOW_PRIVATE_NETWORKS=false)', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    t = await createTestApp({ ...FAST, WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'false' });
    receiver = await startWebhookReceiver();
    await startDispatcher(t);
  }, 180_000);
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  it('refuses a callback to 127.0.0.1: the delivery fails with a clear error and no request is made', async () => {
    const id = await submit(t, `${receiver.origin}/hooks`);
    await complete(t, id);
    const { rows } = await until(
      () => webhooksOf(t, id),
      (w) => w.rows[0]?.status === 'failed',
    );
    expect(rows).toEqual([
      expect.objectContaining({
        eventType: 'job.completed',
        status: 'failed',
        attempts: 1,
        lastStatusCode: null,
        lastError:
          'refused: 127.0.0.1 is a loopback address; webhooks may reach only public addresses (WEBHOOK_ALLOW_PRIVATE_NETWORKS=false)',
        nextAttemptAt: null,
        deliveredAt: null,
      }),
    ]);
    await new Promise((r) => setTimeout(r, 100));
    expect(receiver.received).toEqual([]);
  });
});
