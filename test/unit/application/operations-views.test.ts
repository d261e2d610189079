import { describe, expect, it } from 'vitest';
import { FixedClock } from '../../../src/adapters/memory/fixed-clock.js';
import { InMemoryJobRepository } from '../../../src/adapters/memory/in-memory-job-repository.js';
import { GetQueueStatus } from '../../../src/application/get-queue-status.js';
import { GetSystemMetrics, METRICS_WINDOW_MS } from '../../../src/application/get-system-metrics.js';
import { claimJob, completeJob, createJob, type Job } from '../../../src/domain/job.js';
import { VideoSpec } from '../../../src/domain/video-spec.js';
import type { RuntimeSnapshot, RuntimeStats } from '../../../src/ports/runtime-stats.js';

const T0 = new Date('2026-11-21T12:00:00.000Z');
const spec = VideoSpec.create({ topic: 'Operations' })._unsafeUnwrap();
const asset = {
  videoKey: 'v',
  thumbnailKey: 't',
  subtitlesKey: 's',
  sizeBytes: 1,
  durationSeconds: 1,
  width: 640,
  height: 360,
  fps: 15,
  videoCodec: 'h264',
  audioCodec: null,
  bitrate: 1,
  sha256: 'x',
};

/** Resource use fixed by the test (the port's other adapter reads the real process). */
class FixedRuntimeStats implements RuntimeStats {
  constructor(readonly value: RuntimeSnapshot) {}
  snapshot(): RuntimeSnapshot {
    return this.value;
  }
}

const runtime = new FixedRuntimeStats({
  rssBytes: 100,
  heapUsedBytes: 50,
  heapTotalBytes: 80,
  externalBytes: 5,
  eventLoopDelayP99Ms: 1.5,
  eventLoopDelayMaxMs: 9,
  loadAverage: [0.5, 0.4, 0.3],
  cpus: 2,
  uptimeSeconds: 42,
});

function setup() {
  const clock = new FixedClock(T0);
  const jobs = new InMemoryJobRepository(clock);
  let n = 0;
  const submit = async (createdAgoMs = 0): Promise<Job> =>
    (
      await jobs.insert(
        createJob({
          id: `job-${++n}`,
          ownerId: 'u',
          spec,
          maxAttempts: 3,
          now: new Date(T0.getTime() - createdAgoMs),
        }),
      )
    )._unsafeUnwrap();
  /** Claims job `id` for `worker` now and, with `seconds`, completes it that much later. */
  const run = async (job: Job, worker: string, seconds?: number): Promise<void> => {
    const claimed = claimJob(job, { workerId: worker, leaseMs: 30_000, now: clock.now() })._unsafeUnwrap();
    (await jobs.update(claimed))._unsafeUnwrap();
    if (seconds === undefined) return;
    clock.advance(seconds * 1000);
    const done = completeJob(claimed, { attempt: 1, result: asset, now: clock.now() })._unsafeUnwrap();
    (await jobs.update(done))._unsafeUnwrap();
  };
  return { clock, jobs, submit, run };
}

describe('GetQueueStatus', () => {
  it('reports counts, the oldest queued age, runnable vs delayed and running leases', async () => {
    const { clock, jobs, submit, run } = setup();
    await submit(90_000);
    const delayed = await submit(10_000);
    (
      await jobs.update({ ...delayed, runAt: new Date(T0.getTime() + 60_000), version: delayed.version + 1 })
    )._unsafeUnwrap();
    await run(await submit(5_000), 'worker-1');
    clock.advance(12_000);

    const status = (await new GetQueueStatus({ jobs }).execute())._unsafeUnwrap();
    expect(status.asOf).toEqual(clock.now());
    expect(status.counts).toEqual({ queued: 2, processing: 1, completed: 0, failed: 0, cancelled: 0 });
    expect(status.oldestQueuedAgeSeconds).toBe(102);
    expect(status).toMatchObject({ runnable: 1, delayed: 1, activeWorkers: ['worker-1'] });
    expect(status.running).toEqual([
      expect.objectContaining({
        jobId: 'job-3',
        workerId: 'worker-1',
        attempt: 1,
        leaseExpiresInSeconds: 18,
      }),
    ]);
  });

  it('says null for the oldest age when nothing is queued', async () => {
    const { jobs } = setup();
    const status = (await new GetQueueStatus({ jobs }).execute())._unsafeUnwrap();
    expect(status.oldestQueuedAgeSeconds).toBeNull();
    expect(status.running).toEqual([]);
  });
});

describe('GetSystemMetrics', () => {
  it('combines queue depth, throughput over the last hour and the runtime snapshot', async () => {
    const { jobs, submit, run } = setup();
    await run(await submit(), 'w', 10);
    await run(await submit(), 'w', 20);
    await run(await submit(), 'w', 30);
    await submit();

    const m = (await new GetSystemMetrics({ jobs, runtime }).execute())._unsafeUnwrap();
    expect(m.queueDepth).toEqual({ queued: 1, processing: 0, completed: 3, failed: 0, cancelled: 0 });
    expect(m.jobs.windowMs).toBe(METRICS_WINDOW_MS);
    expect(m.jobs.finished).toEqual({ completed: 3, failed: 0, cancelled: 0 });
    expect(m.jobs.completedPerHour).toBe(3);
    expect(m.jobs.completedPerMinute).toBe(0.05);
    expect(m.jobs.processingSeconds).toEqual({ p50: 20, p95: 29, mean: 20, max: 30 });
    expect(m.process).toEqual(runtime.value);
  });

  it('scales throughput to the window it was given', async () => {
    const { jobs, submit, run } = setup();
    await run(await submit(), 'w', 1);
    const m = (
      await new GetSystemMetrics({ jobs, runtime, windowMs: 10 * 60_000 }).execute()
    )._unsafeUnwrap();
    expect(m.jobs.completedPerHour).toBe(6);
  });
});
