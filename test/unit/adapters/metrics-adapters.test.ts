import { describe, expect, it } from 'vitest';
import { InMemoryMetrics } from '../../../src/adapters/memory/in-memory-metrics.js';
import { PromMetrics } from '../../../src/adapters/prometheus/prom-metrics.js';

/** `name{labels}` -> value of every sample line. */
const samples = (text: string): Map<string, number> =>
  new Map(
    text
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('#'))
      .map((l) => {
        const i = l.lastIndexOf(' ');
        return [l.slice(0, i), Number(l.slice(i + 1))] as const;
      }),
  );

describe('PromMetrics', () => {
  it('renders the Prometheus text format with each kind of measurement', async () => {
    const m = new PromMetrics({ processMetrics: false });
    m.httpRequestFinished('GET', '/api/v1/videos/jobs/:jobId/status', 200, 0.004);
    m.httpRequestFinished('GET', '/api/v1/videos/jobs/:jobId/status', 404, 0.002);
    m.httpRequestFinished('POST', '/api/v1/videos/generate', 503, 0.02);
    m.stageCompleted('composing', 3.5);
    m.stageCompleted('composing', 1.5);
    m.jobFinished('completed', 12);
    m.jobFailed('RENDER_FAILED', true);
    m.jobFailed('RENDER_FAILED', true);
    m.jobFailed('STORAGE_UNAVAILABLE', false);
    m.jobStarted(0.25);

    expect(m.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    const s = samples(await m.render());
    const status = 'framecast_http_request_duration_seconds';
    expect(
      s.get(`${status}_count{method="GET",route="/api/v1/videos/jobs/:jobId/status",status_class="2xx"}`),
    ).toBe(1);
    expect(
      s.get(`${status}_count{method="GET",route="/api/v1/videos/jobs/:jobId/status",status_class="4xx"}`),
    ).toBe(1);
    expect(
      s.get(
        `${status}_bucket{le="0.005",method="GET",route="/api/v1/videos/jobs/:jobId/status",status_class="2xx"}`,
      ),
    ).toBe(1);
    expect(s.get(`${status}_count{method="POST",route="/api/v1/videos/generate",status_class="5xx"}`)).toBe(
      1,
    );
    expect(s.get('framecast_job_stage_duration_seconds_count{stage="composing"}')).toBe(2);
    expect(s.get('framecast_job_stage_duration_seconds_sum{stage="composing"}')).toBe(5);
    expect(s.get('framecast_job_attempt_duration_seconds_sum{outcome="completed"}')).toBe(12);
    expect(s.get('framecast_job_failures_total{code="RENDER_FAILED",retryable="true"}')).toBe(2);
    expect(s.get('framecast_job_failures_total{code="STORAGE_UNAVAILABLE",retryable="false"}')).toBe(1);
    expect(s.get('framecast_job_queue_wait_seconds_count')).toBe(1);
  });

  it('reads queue depth at every scrape, and reports nothing for it when the store fails', async () => {
    let depth: Record<string, number> | null = { queued: 2, processing: 1 };
    const m = new PromMetrics({ processMetrics: false, queueDepth: async () => depth });
    expect(samples(await m.render()).get('framecast_jobs{status="queued"}')).toBe(2);
    depth = { queued: 5, processing: 0 };
    const second = samples(await m.render());
    expect(second.get('framecast_jobs{status="queued"}')).toBe(5);
    expect(second.get('framecast_jobs{status="processing"}')).toBe(0);
    depth = null;
    expect([...samples(await m.render()).keys()].filter((k) => k.startsWith('framecast_jobs{'))).toEqual([]);
  });

  it('keeps one registry per instance: two in one process neither collide nor share values', async () => {
    const a = new PromMetrics();
    const b = new PromMetrics();
    a.jobFailed('X', false);
    const sa = samples(await a.render());
    const sb = samples(await b.render());
    expect(sa.get('framecast_job_failures_total{code="X",retryable="false"}')).toBe(1);
    expect(sb.has('framecast_job_failures_total{code="X",retryable="false"}')).toBe(false);
    expect(sa.has('process_resident_memory_bytes')).toBe(true);
    expect(sb.has('process_resident_memory_bytes')).toBe(true);
  });

  it('clamps negative durations (clock skew) to zero', async () => {
    const m = new PromMetrics({ processMetrics: false });
    m.jobStarted(-3);
    expect(samples(await m.render()).get('framecast_job_queue_wait_seconds_sum')).toBe(0);
  });
});

describe('InMemoryMetrics', () => {
  it('keeps what it is told, for tests to assert', () => {
    const m = new InMemoryMetrics();
    m.stageCompleted('planning', 0.5);
    m.jobFinished('completed', 3);
    m.jobFinished('retrying', 1);
    m.jobFinished('completed', 2);
    m.jobFailed('RENDER_FAILED', true);
    m.jobFailed('RENDER_FAILED', false);
    m.httpRequestFinished('GET', '/x/:id', 200, 0.01);
    m.jobStarted(4);
    expect(m.stages).toEqual([{ stage: 'planning', seconds: 0.5 }]);
    expect(m.outcomeCounts()).toEqual({ completed: 2, retrying: 1 });
    expect(m.failures.get('RENDER_FAILED')).toBe(2);
    expect(m.requests).toEqual([{ method: 'GET', route: '/x/:id', statusCode: 200, seconds: 0.01 }]);
    expect(m.queueWaits).toEqual([4]);
  });
});
