import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { T } from '../../../src/container/tokens.js';
import { claimJob, completeJob, reportProgress } from '../../../src/domain/job.js';
import { createTestApp, KEY_A, KEY_B, type TestApp } from '../../support/http-app.js';

let t: TestApp;
let base: string;
beforeAll(async () => {
  t = await createTestApp();
  base = await t.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await t.close();
});

interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

/** Reads an event stream until it ends (or `limitMs` passes), parsing `event:` / `data:` blocks. */
async function readEvents(res: Response, limitMs = 5000): Promise<SseEvent[]> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: SseEvent[] = [];
  let buffer = '';
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    const chunk = await Promise.race([
      reader.read(),
      new Promise<{ done: true; value: undefined }>((r) =>
        setTimeout(() => r({ done: true, value: undefined }), 200),
      ),
    ]);
    if (chunk.value) buffer += decoder.decode(chunk.value, { stream: true });
    let cut;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const event = /^event: (.+)$/m.exec(block)?.[1];
      const data = /^data: (.+)$/m.exec(block)?.[1];
      if (event && data) events.push({ event, data: JSON.parse(data) as Record<string, unknown> });
    }
    if (events.at(-1)?.event === 'end') break;
    if (chunk.done && chunk.value === undefined && events.length > 0 && res.bodyUsed && buffer === '')
      continue;
  }
  await reader.cancel().catch(() => undefined);
  return events;
}

describe('GET /api/v1/videos/jobs/{id}/events (Server-Sent Events)', () => {
  it('sends the current state of a finished job, then end', async () => {
    const job = await t.completedJob();
    const res = await fetch(`${base}/api/v1/videos/jobs/${job.id}/events`, {
      headers: { 'x-api-key': KEY_A },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const events = await readEvents(res);
    expect(events.map((e) => e.event)).toEqual(['status', 'end']);
    expect(events[0]!.data).toMatchObject({
      jobId: job.id,
      status: 'completed',
      progress: { stage: 'done', percent: 100 },
    });
  });

  it('streams every change of a running job in order until it completes', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/videos/generate',
      headers: { 'x-api-key': KEY_A },
      payload: { topic: 'Live' },
    });
    const id = (created.json() as { id: string }).id;
    const res = await fetch(`${base}/api/v1/videos/jobs/${id}/events`, { headers: { 'x-api-key': KEY_A } });
    const reading = readEvents(res);
    const activity = await t.container.resolve(T.activity);
    await new Promise((r) => setTimeout(r, 100));

    let job = (await t.jobs.findById(id))._unsafeUnwrap();
    job = (
      await t.jobs.update(claimJob(job, { workerId: 'w', leaseMs: 60_000, now: new Date() })._unsafeUnwrap())
    )._unsafeUnwrap();
    await activity.publish(job);
    for (const percent of [20, 50, 80]) {
      job = (
        await t.jobs.update(
          reportProgress(job, { attempt: 1, stage: 'composing', percent, now: new Date() })._unsafeUnwrap(),
        )
      )._unsafeUnwrap();
      await activity.publish(job);
    }
    const stored = await t.completedJob(); // a result to attach
    job = (
      await t.jobs.update(
        completeJob(job, { attempt: 1, result: stored.result!, now: new Date() })._unsafeUnwrap(),
      )
    )._unsafeUnwrap();
    await activity.publish(job);

    const events = await reading;
    expect(events[0]).toMatchObject({ event: 'status', data: { status: 'queued' } });
    expect(events.at(-1)?.event).toBe('end');
    const progress = events.filter((e) => e.event === 'progress').map((e) => e.data);
    expect(progress.map((p) => p['status'])).toEqual([
      'processing',
      'processing',
      'processing',
      'processing',
      'completed',
    ]);
    const percents = progress.map((p) => (p['progress'] as { percent: number }).percent);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
  });

  it("answers 404 for another user's job and 401 without credentials", async () => {
    const job = await t.completedJob();
    const other = await fetch(`${base}/api/v1/videos/jobs/${job.id}/events`, {
      headers: { 'x-api-key': KEY_B },
    });
    expect(other.status).toBe(404);
    const anonymous = await fetch(`${base}/api/v1/videos/jobs/${job.id}/events`);
    expect(anonymous.status).toBe(401);
  });
});
