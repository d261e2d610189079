import { describe, expect, it } from 'vitest';
import { claimJob, completeJob, createJob, failJob, type Job, type Stage } from '../../../src/domain/job.js';
import type { JobEvent, JobEventLevel } from '../../../src/domain/job-event.js';
import type { VideoAsset } from '../../../src/domain/video-asset.js';
import { VideoSpec } from '../../../src/domain/video-spec.js';
import {
  ALICE,
  at,
  BOB,
  createApplicationFixture,
  seqId,
  T0,
  type ApplicationFixture,
} from '../../support/application-fixture.js';

const JOB_ID = seqId(500);
const spec = VideoSpec.create({ topic: 'Tides' })._unsafeUnwrap();
const asset: VideoAsset = {
  videoKey: `test/${ALICE}/${JOB_ID}/attempt-1/video.mp4`,
  thumbnailKey: `test/${ALICE}/${JOB_ID}/attempt-1/thumbnail.jpg`,
  subtitlesKey: `test/${ALICE}/${JOB_ID}/attempt-1/subtitles.vtt`,
  sizeBytes: 1000,
  durationSeconds: 12,
  width: 1280,
  height: 720,
  fps: 30,
  videoCodec: 'h264',
  audioCodec: 'aac',
  bitrate: 666,
  sha256: 'a'.repeat(64),
};

const queued = (): Job => createJob({ id: JOB_ID, ownerId: ALICE, spec, maxAttempts: 3, now: T0 });
const claimed = (job: Job, now: Date): Job =>
  claimJob(job, { workerId: 'w', leaseMs: 30_000, now })._unsafeUnwrap();

/** Appends log lines to the job's log: `[ms after T0, level, stage, message, data]`. */
async function log(
  f: ApplicationFixture,
  lines: ReadonlyArray<
    readonly [number, JobEventLevel, Stage | 'lifecycle', string, Record<string, unknown>?]
  >,
): Promise<void> {
  for (const [ms, level, stage, message, data] of lines) {
    const event: JobEvent = {
      id: f.eventIds.next(),
      jobId: JOB_ID,
      at: at(ms),
      level,
      stage,
      message,
      data: data ?? {},
    };
    (await f.events.append(event))._unsafeUnwrap();
  }
}
const started = (attempt: number) => ({ attempt, event: 'stage-started' });

describe('GetJobMetadata', () => {
  it('derives stage timings of a completed job from its stage-started events', async () => {
    const f = createApplicationFixture();
    const job = completeJob(claimed(queued(), T0), {
      attempt: 1,
      result: asset,
      now: at(10_000),
    })._unsafeUnwrap();
    (await f.jobs.insert(job))._unsafeUnwrap();
    await log(f, [
      [0, 'info', 'lifecycle', 'Job queued'],
      [0, 'info', 'lifecycle', 'Attempt 1 of 3 started', { attempt: 1 }],
      [0, 'info', 'planning', 'Stage planning started', started(1)],
      [1_000, 'info', 'narration', 'Stage narration started', started(1)],
      [2_000, 'warn', 'narration', 'espeak voice fell back to en'],
      [3_000, 'info', 'rendering', 'Stage rendering started', started(1)],
      [4_000, 'info', 'composing', 'Stage composing started', started(1)],
      [8_000, 'info', 'thumbnail', 'Stage thumbnail started', started(1)],
      [8_500, 'info', 'uploading', 'Stage uploading started', started(1)],
      [10_000, 'info', 'lifecycle', 'Job completed', { attempt: 1, event: 'completed' }],
    ]);

    const metadata = (
      await f.getJobMetadata.execute({ principal: f.principal(ALICE), jobId: JOB_ID })
    )._unsafeUnwrap();

    expect(metadata.job).toEqual(job);
    expect(metadata.timings).toEqual([
      { stage: 'planning', attempt: 1, startedAt: at(0), seconds: 1 },
      { stage: 'narration', attempt: 1, startedAt: at(1_000), seconds: 2 },
      { stage: 'rendering', attempt: 1, startedAt: at(3_000), seconds: 1 },
      { stage: 'composing', attempt: 1, startedAt: at(4_000), seconds: 4 },
      { stage: 'thumbnail', attempt: 1, startedAt: at(8_000), seconds: 0.5 },
      { stage: 'uploading', attempt: 1, startedAt: at(8_500), seconds: 1.5 },
    ]);
    expect(metadata.events.total).toBe(10);
    expect(metadata.events.byLevel).toEqual({ info: 9, warn: 1 });
    expect(metadata.events.recent.map((e) => e.message)).toEqual([
      'Job queued',
      'Attempt 1 of 3 started',
      'Stage planning started',
      'Stage narration started',
      'espeak voice fell back to en',
      'Stage rendering started',
      'Stage composing started',
      'Stage thumbnail started',
      'Stage uploading started',
      'Job completed',
    ]);
  });

  it('separates attempts, closes a stage at a lifecycle event, and leaves the running stage open', async () => {
    const f = createApplicationFixture();
    const failed = failJob(claimed(queued(), T0), {
      attempt: 1,
      error: { code: 'RENDER_FAILED', message: 'composing: boom', retryable: true },
      backoffMs: 1_000,
      now: at(5_000),
    })._unsafeUnwrap();
    const running = claimed(failed, at(7_000));
    (await f.jobs.insert(running))._unsafeUnwrap();
    await log(f, [
      [0, 'info', 'planning', 'Stage planning started', started(1)],
      [2_000, 'info', 'composing', 'Stage composing started', started(1)],
      [
        5_000,
        'error',
        'lifecycle',
        'Attempt 1 failed (RENDER_FAILED); retrying in 1 s',
        { attempt: 1, event: 'retrying' },
      ],
      [7_000, 'info', 'lifecycle', 'Attempt 2 of 3 started', { attempt: 2 }],
      [7_000, 'info', 'planning', 'Stage planning started', started(2)],
      [7_250, 'info', 'narration', 'Stage narration started', started(2)],
    ]);

    const metadata = (
      await f.getJobMetadata.execute({ principal: f.principal(ALICE), jobId: JOB_ID })
    )._unsafeUnwrap();

    expect(metadata.timings).toEqual([
      { stage: 'planning', attempt: 1, startedAt: at(0), seconds: 2 },
      { stage: 'composing', attempt: 1, startedAt: at(2_000), seconds: 3 },
      { stage: 'planning', attempt: 2, startedAt: at(7_000), seconds: 0.25 },
      { stage: 'narration', attempt: 2, startedAt: at(7_250), seconds: null },
    ]);
    expect(metadata.job.attempts).toBe(2);
    expect(metadata.events.byLevel).toEqual({ info: 5, error: 1 });
  });

  it('times the stages of a job the worker processed', async () => {
    const f = createApplicationFixture();
    f.renderer.script({ kind: 'succeed', onStage: () => void f.clock.advance(1_000) });
    const job = await f.submit();
    expect((await f.process()).kind).toBe('completed');

    const metadata = (
      await f.getJobMetadata.execute({ principal: f.principal(ALICE), jobId: job.id })
    )._unsafeUnwrap();

    expect(metadata.timings.map((t) => [t.stage, t.attempt, t.seconds])).toEqual([
      ['planning', 1, 0],
      ['narration', 1, 1],
      ['rendering', 1, 1],
      ['composing', 1, 1],
      ['thumbnail', 1, 1],
      ['uploading', 1, 0],
    ]);
    expect(metadata.job.status).toBe('completed');
    expect(metadata.job.result).not.toBeNull();
    expect(metadata.events.byLevel).toEqual({ info: 9 });
  });

  it('summarises the last 20 log entries and counts them all', async () => {
    const f = createApplicationFixture();
    (await f.jobs.insert(queued()))._unsafeUnwrap();
    await log(
      f,
      Array.from(
        { length: 25 },
        (_, i) => [i, i % 5 === 0 ? 'debug' : 'info', 'lifecycle', `line ${i}`] as const,
      ),
    );

    const metadata = (
      await f.getJobMetadata.execute({ principal: f.principal(ALICE), jobId: JOB_ID })
    )._unsafeUnwrap();

    expect(metadata.events.total).toBe(25);
    expect(metadata.events.byLevel).toEqual({ debug: 5, info: 20 });
    expect(metadata.events.recent).toHaveLength(20);
    expect(metadata.events.recent[0]!.message).toBe('line 5');
    expect(metadata.events.recent.at(-1)!.message).toBe('line 24');
    expect(metadata.timings).toEqual([]);
  });

  it("answers JobNotFound for another user's job and for a missing one", async () => {
    const f = createApplicationFixture();
    (await f.jobs.insert(queued()))._unsafeUnwrap();
    expect(
      (await f.getJobMetadata.execute({ principal: f.principal(BOB), jobId: JOB_ID }))._unsafeUnwrapErr(),
    ).toEqual({
      type: 'JobNotFound',
      jobId: JOB_ID,
    });
    expect(
      (await f.getJobMetadata.execute({ principal: f.principal(ALICE), jobId: seqId(9) }))._unsafeUnwrapErr(),
    ).toEqual({ type: 'JobNotFound', jobId: seqId(9) });
  });
});
