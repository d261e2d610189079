import { ok, type ResultAsync } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import { mutateJob } from '../../../src/application/mutate-job.js';
import { completeJob, renewLease, reportProgress, requestCancel, type Job } from '../../../src/domain/job.js';
import type { VideoAsset } from '../../../src/domain/video-asset.js';
import type { DatabaseUnavailable, JobNotFound, VersionConflict } from '../../../src/ports/errors.js';
import type { JobRepository } from '../../../src/ports/job-repository.js';
import {
  at,
  createApplicationFixture,
  DelegatingJobRepository,
  seqId,
} from '../../support/application-fixture.js';

const ASSET: VideoAsset = {
  videoKey: 'test/u/j/attempt-1/video.mp4',
  thumbnailKey: 'test/u/j/attempt-1/thumbnail.jpg',
  subtitlesKey: 'test/u/j/attempt-1/subtitles.vtt',
  sizeBytes: 1,
  durationSeconds: 5,
  width: 640,
  height: 360,
  fps: 15,
  videoCodec: 'h264',
  audioCodec: null,
  bitrate: 2,
  sha256: '0'.repeat(64),
};

/** Before each of the next `times` updates lands, another writer changes the job first (a cancel, then heartbeats). */
class RacingWriter extends DelegatingJobRepository {
  races = 0;
  constructor(
    inner: JobRepository,
    private readonly times: number,
    private readonly race: (n: number) => Promise<void>,
  ) {
    super(inner);
  }
  override update(job: Job): ResultAsync<Job, JobNotFound | VersionConflict | DatabaseUnavailable> {
    if (this.races >= this.times) return super.update(job);
    this.races += 1;
    const n = this.races;
    return super
      .findById(job.id)
      .map(async () => {
        await this.race(n);
      })
      .andThen(() => super.update(job));
  }
}

async function claimedJob() {
  const f = createApplicationFixture();
  const job = await f.submit();
  (await f.jobs.claim('worker-1', 30_000, 1))._unsafeUnwrap();
  return { f, job: await f.job(job.id) };
}

describe('mutateJob', () => {
  it('applies the transition and stores the result with the next version', async () => {
    const { f, job } = await claimedJob();
    const stored = (
      await mutateJob(f.jobs, job.id, (j) =>
        reportProgress(j, { attempt: 1, stage: 'composing', percent: 40, now: at(1) }),
      )
    )._unsafeUnwrap();
    expect(stored).toMatchObject({
      progress: { stage: 'composing', percent: 40 },
      version: job.version + 1,
      updatedAt: at(1),
    });
    expect(await f.job(job.id)).toEqual(stored);
  });

  it('on VersionConflict reads again and applies the transition to the latest state', async () => {
    const { f, job } = await claimedJob();
    const racing = new RacingWriter(f.jobs, 2, async (n) => {
      if (n === 1) (await mutateJob(f.jobs, job.id, (j) => requestCancel(j, at(5))))._unsafeUnwrap();
      else
        (
          await mutateJob(f.jobs, job.id, (j) => renewLease(j, { attempt: 1, leaseMs: 30_000, now: at(6) }))
        )._unsafeUnwrap();
    });
    const seen: Job[] = [];

    const stored = (
      await mutateJob(racing, job.id, (j) => {
        seen.push(j);
        return reportProgress(j, { attempt: 1, stage: 'rendering', percent: 30, now: at(7) });
      })
    )._unsafeUnwrap();

    expect(racing.races).toBe(2);
    expect(seen.map((j) => j.version)).toEqual([job.version, job.version + 1, job.version + 2]);
    expect(stored).toMatchObject({
      cancelRequestedAt: at(5),
      lease: { workerId: 'worker-1', expiresAt: at(30_006) },
      progress: { stage: 'rendering', percent: 30 },
      version: job.version + 3,
    });
    expect(await f.job(job.id)).toEqual(stored);
  });

  it('lets two concurrent writers both land', async () => {
    const { f, job } = await claimedJob();
    const [cancel, progress] = await Promise.all([
      mutateJob(f.jobs, job.id, (j) => requestCancel(j, at(2))),
      mutateJob(f.jobs, job.id, (j) =>
        reportProgress(j, { attempt: 1, stage: 'narration', percent: 10, now: at(3) }),
      ),
    ]);
    expect(cancel.isOk() && progress.isOk()).toBe(true);
    expect(await f.job(job.id)).toMatchObject({
      cancelRequestedAt: at(2),
      progress: { stage: 'narration', percent: 10 },
      version: job.version + 2,
    });
  });

  it("returns the transition's own error when the latest state refuses it (lease fencing)", async () => {
    const { f, job } = await claimedJob();
    const racing = new RacingWriter(f.jobs, 1, async () => {
      // Another attempt takes over: the lease expires and worker-2 claims the job.
      f.clock.advance(30_000);
      (await f.jobs.recoverExpiredLeases())._unsafeUnwrap();
      (await f.jobs.claim('worker-2', 30_000, 1))._unsafeUnwrap();
    });
    const result = await mutateJob(racing, job.id, (j) =>
      completeJob(j, { attempt: 1, result: ASSET, now: at(9) }),
    );
    expect(result._unsafeUnwrapErr()).toEqual({ type: 'LeaseLost', jobId: job.id, attempt: 1 });
    expect(await f.job(job.id)).toMatchObject({ status: 'processing', attempts: 2, result: null });
  });

  it('gives up with VersionConflict when every try loses the race', async () => {
    const { f, job } = await claimedJob();
    let tries = 0;
    const racing = new RacingWriter(f.jobs, Number.POSITIVE_INFINITY, async (n) => {
      tries = n;
      (
        await mutateJob(f.jobs, job.id, (j) => renewLease(j, { attempt: 1, leaseMs: 30_000, now: at(n) }))
      )._unsafeUnwrap();
    });
    const result = await mutateJob(racing, job.id, (j) => requestCancel(j, at(100)));
    expect(result._unsafeUnwrapErr()).toMatchObject({ type: 'VersionConflict', id: job.id });
    expect(tries).toBe(8);
    expect((await f.job(job.id)).cancelRequestedAt).toBeNull();
  });

  it('does not write when the transition returns the job unchanged', async () => {
    const { f, job } = await claimedJob();
    (await mutateJob(f.jobs, job.id, (j) => requestCancel(j, at(1))))._unsafeUnwrap();
    const before = await f.job(job.id);
    const again = (await mutateJob(f.jobs, job.id, (j) => requestCancel(j, at(2))))._unsafeUnwrap();
    expect(again).toEqual(before);
    expect(await f.job(job.id)).toEqual(before);
  });

  it('answers JobNotFound for a missing job', async () => {
    const { f } = await claimedJob();
    const result = await mutateJob(f.jobs, seqId(404), (j) => ok(j));
    expect(result._unsafeUnwrapErr()).toEqual({ type: 'JobNotFound', jobId: seqId(404) });
  });
});
