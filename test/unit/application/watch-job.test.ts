import { describe, expect, it } from 'vitest';
import { FixedClock } from '../../../src/adapters/memory/fixed-clock.js';
import { InMemoryJobRepository } from '../../../src/adapters/memory/in-memory-job-repository.js';
import { WatchJob } from '../../../src/application/watch-job.js';
import { claimJob, completeJob, createJob } from '../../../src/domain/job.js';
import { VideoSpec } from '../../../src/domain/video-spec.js';
import type { JobEvents, JobUpdate } from '../../../src/ports/job-events.js';

/** A JobEvents that loses every update (a Redis outage as a watcher sees it). */
const lostUpdates: JobEvents = {
  publish: async () => undefined,
  subscribe: async () => async () => undefined,
};

describe('WatchJob', () => {
  it('still delivers changes when live updates are lost, by re-reading the stored job', async () => {
    const clock = new FixedClock('2026-01-01T00:00:00.000Z');
    const jobs = new InMemoryJobRepository(clock);
    const spec = VideoSpec.create({ topic: 'Backstop' })._unsafeUnwrap();
    const queued = createJob({ id: 'job-1', ownerId: 'alice', spec, maxAttempts: 3, now: clock.now() });
    (await jobs.insert(queued))._unsafeUnwrap();
    const watch = new WatchJob({ jobs, live: lostUpdates, pollIntervalMs: 20 });
    const seen: JobUpdate[] = [];
    const principal = { userId: 'alice', role: 'user' as const, scopes: ['jobs'], via: 'api-key' as const };
    const handle = (
      await watch.execute({ principal, jobId: 'job-1', onUpdate: (u) => seen.push(u) })
    )._unsafeUnwrap();
    expect(handle.current.status).toBe('queued');

    clock.advance(1000);
    const claimed = claimJob(queued, { workerId: 'w', leaseMs: 30_000, now: clock.now() })._unsafeUnwrap();
    (await jobs.update(claimed))._unsafeUnwrap();
    clock.advance(1000);
    const result = {
      videoKey: 'v',
      thumbnailKey: 't',
      subtitlesKey: 's',
      sizeBytes: 1,
      durationSeconds: 1,
      width: 2,
      height: 2,
      fps: 30,
      videoCodec: 'h264',
      audioCodec: 'aac',
      bitrate: 1,
      sha256: 'x'.repeat(64),
    };
    (
      await jobs.update(completeJob(claimed, { attempt: 1, result, now: clock.now() })._unsafeUnwrap())
    )._unsafeUnwrap();

    const deadline = Date.now() + 2000;
    while (!seen.some((u) => u.status === 'completed') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    await handle.stop();
    expect(seen.at(-1)).toMatchObject({ jobId: 'job-1', status: 'completed', progress: { percent: 100 } });
    // Each stored state is delivered at most once, in order.
    expect(new Set(seen.map((u) => u.at)).size).toBe(seen.length);
  });
});
