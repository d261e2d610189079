import { createHash } from 'node:crypto';
import { errAsync, ResultAsync } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import { mutateJob } from '../../../src/application/mutate-job.js';
import { overallPercent } from '../../../src/application/process-next-job.js';
import { requestCancel, type Job } from '../../../src/domain/job.js';
import { planStoryboard } from '../../../src/domain/storyboard.js';
import type {
  DatabaseUnavailable,
  JobNotFound,
  StorageUnavailable,
  VersionConflict,
} from '../../../src/ports/errors.js';
import type { JobRepository } from '../../../src/ports/job-repository.js';
import type { ObjectStorage, PutObjectOptions, StoredObjectInfo } from '../../../src/ports/object-storage.js';
import {
  ALICE,
  at,
  createApplicationFixture,
  DelegatingJobRepository,
  DelegatingObjectStorage,
  sleep,
  T0,
  type ApplicationFixture,
} from '../../support/application-fixture.js';
import { ScriptedVideoRenderer } from '../../support/scripted-video-renderer.js';

const LEASE_MS = 30_000;
/** Backoff of attempt 1 with base 1 s and the fixture's jitter 0.5: 500 + 500 * 0.5. */
const FIRST_BACKOFF_MS = 750;
/** Long enough that no heartbeat fires during a test: only progress writes and fencing can see a lost lease. */
const NO_HEARTBEAT = { heartbeatMs: 3_600_000 };

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
const prefixOf = (f: ApplicationFixture, job: Job, attempt: number): string =>
  `${f.settings.storagePrefix}/${job.ownerId}/${job.id}/attempt-${attempt}/`;

/** Another worker takes the job over: its lease expires, the sweeper requeues it, `thief` claims it. */
async function stealJob(f: ApplicationFixture, thief = 'worker-2'): Promise<void> {
  f.clock.advance(LEASE_MS + 1);
  (await f.jobs.recoverExpiredLeases())._unsafeUnwrap();
  const claimed = (await f.jobs.claim(thief, LEASE_MS, 1))._unsafeUnwrap();
  if (claimed.length !== 1) throw new Error('the thief claimed nothing');
}

const requestCancelOf = async (f: ApplicationFixture, jobId: string): Promise<void> => {
  (await mutateJob(f.jobs, jobId, (j) => requestCancel(j, f.clock.now())))._unsafeUnwrap();
};

/** Storage whose `putFile` fails for keys `failOn` matches (a transient outage of the store). */
class FailingPutStorage extends DelegatingObjectStorage {
  constructor(
    inner: ObjectStorage,
    private readonly failOn: (key: string) => boolean,
    private readonly error: StorageUnavailable,
  ) {
    super(inner);
  }
  override putFile(
    key: string,
    filePath: string,
    options: PutObjectOptions,
  ): ResultAsync<StoredObjectInfo, StorageUnavailable> {
    return this.failOn(key) ? errAsync(this.error) : super.putFile(key, filePath, options);
  }
}

/** Just before the completing write lands, another worker takes the job over (the race fencing exists for). */
class StealBeforeCompletion extends DelegatingJobRepository {
  keysAtCompletion: string[] | null = null;
  constructor(
    inner: JobRepository,
    private readonly steal: () => Promise<string[]>,
  ) {
    super(inner);
  }
  override update(job: Job): ResultAsync<Job, JobNotFound | VersionConflict | DatabaseUnavailable> {
    if (job.status !== 'completed' || this.keysAtCompletion !== null) return super.update(job);
    return new ResultAsync(
      (async () => {
        this.keysAtCompletion = await this.steal();
        return await super.update(job);
      })(),
    );
  }
}

describe('ProcessNextJob', () => {
  describe('claiming', () => {
    it('is idle when no job exists', async () => {
      const f = createApplicationFixture();
      expect(await f.process()).toEqual({ kind: 'idle' });
      expect(f.renderer.requests).toEqual([]);
    });

    it('is idle when the only queued job waits for its backoff', async () => {
      const f = createApplicationFixture({
        renderer: new ScriptedVideoRenderer().script({ kind: 'fail', stage: 'rendering', retryable: true }),
      });
      const job = await f.submit();
      expect((await f.process()).kind).toBe('retrying');
      expect(await f.process()).toEqual({ kind: 'idle' });
      expect((await f.job(job.id)).status).toBe('queued');
    });

    it('is idle when finished and cancelled jobs are all there is', async () => {
      const f = createApplicationFixture();
      const cancelled = await f.submit();
      await requestCancelOf(f, cancelled.id);
      expect(await f.process()).toEqual({ kind: 'idle' });
      expect((await f.job(cancelled.id)).status).toBe('cancelled');
    });

    it('claims nothing once shutdown has been signalled', async () => {
      const f = createApplicationFixture();
      const job = await f.submit();
      const shutdown = new AbortController();
      shutdown.abort();
      expect(await f.process('worker-1', shutdown.signal)).toEqual({ kind: 'idle' });
      expect(await f.job(job.id)).toMatchObject({ status: 'queued', attempts: 0 });
    });

    it('takes the highest priority first', async () => {
      const f = createApplicationFixture();
      await f.submit();
      const urgent = await f.submit({ priority: 5 });
      expect(await f.process()).toEqual({ kind: 'completed', jobId: urgent.id, attempt: 1 });
    });
  });

  describe('a successful render', () => {
    it('completes the job with the stored files under {prefix}/{owner}/{job}/attempt-1/', async () => {
      const f = createApplicationFixture();
      const job = await f.submit({ spec: { topic: 'Tides', quality: 'low', aspectRatio: '9:16' } });

      expect(await f.process()).toEqual({ kind: 'completed', jobId: job.id, attempt: 1 });

      const base = `test/${ALICE}/${job.id}/attempt-1`;
      const output = f.renderer.outputs[0]!;
      const done = await f.job(job.id);
      expect(done).toMatchObject({
        status: 'completed',
        attempts: 1,
        lease: null,
        error: null,
        progress: { stage: 'done', percent: 100 },
        startedAt: T0,
        finishedAt: T0,
      });
      expect(done.result).toEqual({
        videoKey: `${base}/video.mp4`,
        thumbnailKey: `${base}/thumbnail.jpg`,
        subtitlesKey: `${base}/subtitles.vtt`,
        sizeBytes: output.video.length,
        durationSeconds: output.probe.durationSeconds,
        width: 480,
        height: 854,
        fps: 24,
        videoCodec: 'h264',
        audioCodec: 'aac',
        bitrate: output.probe.bitrate,
        sha256: sha256(output.video),
      });
      expect(await f.storedKeys()).toEqual([
        `${base}/subtitles.vtt`,
        `${base}/thumbnail.jpg`,
        `${base}/video.mp4`,
      ]);
      expect(await f.readObject(`${base}/video.mp4`)).toEqual(output.video);
      expect(await f.readObject(`${base}/thumbnail.jpg`)).toEqual(output.thumbnail);
      expect(await f.readObject(`${base}/subtitles.vtt`)).toEqual(output.subtitles);
      expect((await f.storage.head(`${base}/video.mp4`))._unsafeUnwrap().contentType).toBe('video/mp4');
    });

    it('records a sha256 that matches the stored video bytes', async () => {
      const video = Buffer.from('not really an mp4, but bytes all the same \u00ff\u0000\u0001');
      const f = createApplicationFixture({ renderer: new ScriptedVideoRenderer({ kind: 'succeed', video }) });
      const job = await f.submit();
      await f.process();

      const result = (await f.job(job.id)).result!;
      const stored = await f.readObject(result.videoKey);
      expect(result.sha256).toBe(sha256(stored));
      expect(result.sha256).toBe(sha256(video));
      expect(result.sizeBytes).toBe(stored.length);
    });

    it('asks the renderer for the job spec and its planned storyboard', async () => {
      const f = createApplicationFixture();
      const job = await f.submit({
        spec: { topic: 'Tides', context: 'The moon pulls the sea. Twice a day.' },
      });
      await f.process();
      expect(f.renderer.requests).toEqual([
        { jobId: job.id, spec: job.spec, storyboard: planStoryboard(job.spec) },
      ]);
    });

    it('logs each stage as it starts, then the completion', async () => {
      const f = createApplicationFixture();
      const job = await f.submit();
      await f.process();

      const log = (await f.eventsOf(job.id)).map((e) => [e.level, e.stage, e.message, e.data]);
      const scenes = planStoryboard(job.spec).scenes.length;
      expect(log).toEqual([
        ['info', 'lifecycle', 'Job queued', { priority: 0, quality: 'medium' }],
        ['info', 'lifecycle', 'Attempt 1 of 3 started', { attempt: 1, workerId: 'worker-1' }],
        ['info', 'planning', 'Stage planning started', { attempt: 1, event: 'stage-started' }],
        ['info', 'narration', 'Scripted narration started', { attempt: 1, event: 'stage-started' }],
        ['info', 'rendering', 'Scripted rendering started', { attempt: 1, event: 'stage-started' }],
        ['info', 'composing', 'Scripted composing started', { attempt: 1, event: 'stage-started' }],
        ['info', 'thumbnail', 'Scripted thumbnail started', { attempt: 1, event: 'stage-started' }],
        ['info', 'uploading', 'Stage uploading started', { attempt: 1, event: 'stage-started' }],
        [
          'info',
          'lifecycle',
          'Job completed',
          {
            attempt: 1,
            event: 'completed',
            stageSeconds: { narration: 0.5, rendering: 0.25, composing: 1, thumbnail: 0.125 },
            durationSeconds: f.renderer.outputs[0]!.probe.durationSeconds,
            sizeBytes: f.renderer.outputs[0]!.video.length,
          },
        ],
      ]);
      expect(scenes).toBeGreaterThan(1);
    });

    it('publishes live progress that only grows, through every stage, up to 100 %', async () => {
      const f = createApplicationFixture();
      const job = await f.submit();
      const updates = await f.watch(job.id);
      await f.process();

      const percents = updates.map((u) => u.progress.percent);
      expect(percents).toEqual([...percents].sort((a, b) => a - b));
      expect(new Set(updates.map((u) => u.progress.stage))).toEqual(
        new Set(['planning', 'narration', 'rendering', 'composing', 'thumbnail', 'uploading', 'done']),
      );
      // Each stage, once done, stands at its cumulative weight (the weights add up to 100).
      for (const stage of [
        'planning',
        'narration',
        'rendering',
        'composing',
        'thumbnail',
        'uploading',
      ] as const)
        expect(updates.map((u) => [u.progress.stage, u.progress.percent])).toContainEqual([
          stage,
          overallPercent(stage, 100),
        ]);
      expect(updates.filter((u) => u.progress.stage === 'uploading').at(-1)!.progress.percent).toBe(100);
      expect(updates.at(-1)).toEqual({
        jobId: job.id,
        ownerId: ALICE,
        status: 'completed',
        progress: { stage: 'done', percent: 100 },
        attempts: 1,
        error: null,
        at: T0.toISOString(),
        message: 'Job completed',
      });
    });

    it("removes the render's working files", async () => {
      const f = createApplicationFixture();
      await f.submit();
      await f.process();
      expect(f.renderer.workDirs).toHaveLength(1);
      expect(f.renderer.leftoverWorkDirs()).toEqual([]);
    });

    it('keeps the lease alive with heartbeats while rendering', async () => {
      const f = createApplicationFixture();
      const recovered: Job[][] = [];
      f.renderer.script({
        kind: 'succeed',
        onStage: async (stage) => {
          if (stage !== 'composing') return;
          for (let i = 0; i < 3; i += 1) {
            f.clock.advance(LEASE_MS * 0.6); // past the original lease after two steps
            await sleep(40); // several heartbeats (10 ms) renew it from the new "now"
            recovered.push([...(await f.recoverExpiredLeases.execute())._unsafeUnwrap()]);
          }
        },
      });
      const job = await f.submit();
      expect(await f.process()).toEqual({ kind: 'completed', jobId: job.id, attempt: 1 });
      expect(recovered).toEqual([[], [], []]);
    });
  });

  describe('a failed render', () => {
    it('queues a retryable failure again after the backoff, keeping the error', async () => {
      const f = createApplicationFixture({
        renderer: new ScriptedVideoRenderer().script({
          kind: 'fail',
          stage: 'composing',
          retryable: true,
          message: 'ffmpeg was killed (SIGKILL)',
        }),
      });
      const job = await f.submit();

      expect(await f.process()).toEqual({ kind: 'retrying', jobId: job.id, attempt: 1 });

      const error = {
        code: 'RENDER_FAILED',
        message: 'composing: ffmpeg was killed (SIGKILL)',
        retryable: true,
      };
      expect(await f.job(job.id)).toMatchObject({
        status: 'queued',
        attempts: 1,
        runAt: at(FIRST_BACKOFF_MS),
        lease: null,
        progress: { stage: 'queued', percent: 0 },
        error,
        finishedAt: null,
        result: null,
      });
      const last = (await f.eventsOf(job.id)).at(-1)!;
      expect(last).toMatchObject({
        level: 'error',
        stage: 'lifecycle',
        message: 'Attempt 1 failed (RENDER_FAILED); retrying in 1 s',
        data: { attempt: 1, event: 'retrying', error, backoffMs: FIRST_BACKOFF_MS },
      });
      expect(f.renderer.leftoverWorkDirs()).toEqual([]);
    });

    it('runs the retry once the backoff has passed, storing attempt-2 files', async () => {
      const f = createApplicationFixture({
        renderer: new ScriptedVideoRenderer().script({ kind: 'fail', stage: 'narration', retryable: true }),
      });
      const job = await f.submit();
      await f.process();
      f.clock.advance(FIRST_BACKOFF_MS - 1);
      expect(await f.process()).toEqual({ kind: 'idle' });
      f.clock.advance(1);

      expect(await f.process('worker-2')).toEqual({ kind: 'completed', jobId: job.id, attempt: 2 });
      const done = await f.job(job.id);
      expect(done).toMatchObject({
        status: 'completed',
        attempts: 2,
        error: null,
        finishedAt: at(FIRST_BACKOFF_MS),
      });
      expect(done.result!.videoKey).toBe(`${prefixOf(f, job, 2)}video.mp4`);
      expect(await f.storedKeys(`test/${ALICE}/${job.id}/attempt-1`)).toEqual([]);
    });

    it('fails a permanent failure at once', async () => {
      const f = createApplicationFixture({
        renderer: new ScriptedVideoRenderer().script({
          kind: 'fail',
          stage: 'rendering',
          retryable: false,
          message: 'font missing',
        }),
      });
      const job = await f.submit();

      expect(await f.process()).toEqual({ kind: 'failed', jobId: job.id, attempt: 1 });

      const error = { code: 'RENDER_FAILED', message: 'rendering: font missing', retryable: false };
      expect(await f.job(job.id)).toMatchObject({
        status: 'failed',
        attempts: 1,
        lease: null,
        error,
        finishedAt: T0,
      });
      expect((await f.eventsOf(job.id)).at(-1)).toMatchObject({
        level: 'error',
        message: 'Job failed after 1 attempt(s): RENDER_FAILED',
        data: { attempt: 1, event: 'failed', error },
      });
      expect(await f.storedKeys()).toEqual([]);
    });

    it('fails a retryable failure once the attempts are used up', async () => {
      const f = createApplicationFixture({ settings: { maxAttempts: 2 } });
      f.renderer.script(
        { kind: 'fail', stage: 'composing', retryable: true },
        { kind: 'fail', stage: 'thumbnail', retryable: true },
      );
      const job = await f.submit();

      expect((await f.process()).kind).toBe('retrying');
      f.clock.advance(60_000);
      expect(await f.process()).toEqual({ kind: 'failed', jobId: job.id, attempt: 2 });

      expect(await f.job(job.id)).toMatchObject({
        status: 'failed',
        attempts: 2,
        error: {
          code: 'RENDER_FAILED',
          message: 'thumbnail: scripted failure in thumbnail',
          retryable: true,
        },
        finishedAt: at(60_000),
      });
      expect((await f.eventsOf(job.id)).at(-1)!.message).toBe('Job failed after 2 attempt(s): RENDER_FAILED');
    });
  });

  describe('cancellation', () => {
    it('aborts the render when a cancel is requested, and ends cancelled with no files stored', async () => {
      const f = createApplicationFixture({
        renderer: new ScriptedVideoRenderer().script({
          kind: 'hang',
          stage: 'composing',
          giveUpAfterMs: 2_000,
        }),
      });
      const job = await f.submit();
      const running = f.process();
      await f.renderer.started(1);
      f.clock.advance(5_000);
      await requestCancelOf(f, job.id);

      expect(await running).toEqual({ kind: 'cancelled', jobId: job.id, attempt: 1 });

      expect(f.renderer.endings).toEqual(['cancelled']);
      expect(await f.job(job.id)).toMatchObject({
        status: 'cancelled',
        lease: null,
        result: null,
        cancelRequestedAt: at(5_000),
        finishedAt: at(5_000),
      });
      expect(await f.storedKeys()).toEqual([]);
      expect((await f.eventsOf(job.id)).at(-1)).toMatchObject({
        level: 'info',
        stage: 'lifecycle',
        message: 'Job cancelled',
        data: { attempt: 1, event: 'cancelled' },
      });
    });

    it('notices a cancel at the next progress report, without waiting for a heartbeat', async () => {
      const f = createApplicationFixture();
      const processNextJob = f.makeProcessNextJob({ settings: NO_HEARTBEAT });
      const job = await f.submit();
      f.renderer.script({
        kind: 'succeed',
        onStage: async (stage) => {
          if (stage === 'rendering') await requestCancelOf(f, job.id);
        },
      });

      const outcome = await processNextJob.execute({
        workerId: 'worker-1',
        shutdown: new AbortController().signal,
      });

      expect(outcome).toEqual({ kind: 'cancelled', jobId: job.id, attempt: 1 });
      expect(f.renderer.endings).toEqual(['cancelled']);
      expect((await f.job(job.id)).status).toBe('cancelled');
      expect(await f.storedKeys()).toEqual([]);
      expect(f.renderer.leftoverWorkDirs()).toEqual([]);
    });
  });

  describe('shutdown', () => {
    it('releases the job back to the queue without counting the attempt', async () => {
      const f = createApplicationFixture({
        renderer: new ScriptedVideoRenderer().script({
          kind: 'hang',
          stage: 'rendering',
          giveUpAfterMs: 2_000,
        }),
      });
      const job = await f.submit();
      const shutdown = new AbortController();
      const running = f.process('worker-1', shutdown.signal);
      await f.renderer.started(1);
      f.clock.advance(2_000);
      shutdown.abort();

      expect(await running).toEqual({ kind: 'released', jobId: job.id, attempt: 1 });

      expect(f.renderer.endings).toEqual(['cancelled']);
      expect(await f.job(job.id)).toMatchObject({
        status: 'queued',
        attempts: 0,
        runAt: at(2_000),
        lease: null,
        progress: { stage: 'queued', percent: 0 },
        error: null,
      });
      expect((await f.eventsOf(job.id)).at(-1)).toMatchObject({
        message: 'Job released to the queue (worker shutting down)',
        data: { attempt: 1, event: 'released' },
      });
      expect(await f.storedKeys()).toEqual([]);

      // The next worker starts again from attempt 1.
      expect(await f.process('worker-2')).toEqual({ kind: 'completed', jobId: job.id, attempt: 1 });
    });

    // BUG (src/application/process-next-job.ts, run(), line 136): the 'abort' listener is added
    // after the claim resolved; when shutdown was signalled while the claim was in flight the
    // signal is already aborted, the listener never fires, and the job runs on (a hanging render
    // keeps Worker.stop() waiting forever). Fix: after addEventListener, `if (shutdown.aborted) stop('shutdown');`.
    it('releases the job when shutdown is signalled while the claim is in flight', async () => {
      const shutdown = new AbortController();
      const f = createApplicationFixture({
        renderer: new ScriptedVideoRenderer().script({
          kind: 'hang',
          stage: 'narration',
          giveUpAfterMs: 150,
        }),
        wrapJobs: (jobs) =>
          new (class extends DelegatingJobRepository {
            override claim(
              workerId: string,
              leaseMs: number,
              limit: number,
            ): ResultAsync<Job[], DatabaseUnavailable> {
              return super.claim(workerId, leaseMs, limit).map((claimed) => {
                shutdown.abort();
                return claimed;
              });
            }
          })(jobs),
      });
      const job = await f.submit();

      const outcome = await f.process('worker-1', shutdown.signal);

      expect(outcome).toEqual({ kind: 'released', jobId: job.id, attempt: 1 });
      expect(await f.job(job.id)).toMatchObject({ status: 'queued', attempts: 0 });
    });
  });

  describe('a lost lease', () => {
    it('stops the render when a heartbeat finds another worker owns the job', async () => {
      const f = createApplicationFixture({
        renderer: new ScriptedVideoRenderer().script({
          kind: 'hang',
          stage: 'composing',
          giveUpAfterMs: 2_000,
        }),
      });
      const job = await f.submit();
      const running = f.process('worker-1');
      await f.renderer.started(1);
      await stealJob(f, 'worker-2');

      expect(await running).toEqual({ kind: 'lease-lost', jobId: job.id, attempt: 1 });

      expect(f.renderer.endings).toEqual(['cancelled']);
      const stored = await f.job(job.id);
      expect(stored).toMatchObject({ status: 'processing', attempts: 2, result: null });
      expect(stored.lease!.workerId).toBe('worker-2');
      expect(await f.storedKeys()).toEqual([]);
    });

    it('deletes the files it uploaded when the lease was lost before the upload finished', async () => {
      const f = createApplicationFixture();
      const processNextJob = f.makeProcessNextJob({ settings: NO_HEARTBEAT });
      f.renderer.script({ kind: 'succeed', beforeReturn: () => stealJob(f, 'worker-2') });
      const job = await f.submit();

      const outcome = await processNextJob.execute({
        workerId: 'worker-1',
        shutdown: new AbortController().signal,
      });

      expect(outcome).toEqual({ kind: 'lease-lost', jobId: job.id, attempt: 1 });
      expect(await f.storedKeys()).toEqual([]);
      const stored = await f.job(job.id);
      expect(stored).toMatchObject({ status: 'processing', attempts: 2, result: null });
      expect(stored.lease!.workerId).toBe('worker-2');
      expect((await f.eventsOf(job.id)).map((e) => e.message)).not.toContain('Job completed');
    });

    it('has its completion refused (fencing) and deletes the uploaded files', async () => {
      let steal: StealBeforeCompletion | undefined;
      const f = createApplicationFixture({
        wrapJobs: (jobs) => {
          steal = new StealBeforeCompletion(jobs, async () => {
            const keys = await f.storedKeys();
            await stealJob(f, 'worker-2');
            return keys;
          });
          return steal;
        },
      });
      const processNextJob = f.makeProcessNextJob({ settings: NO_HEARTBEAT });
      const job = await f.submit();

      const outcome = await processNextJob.execute({
        workerId: 'worker-1',
        shutdown: new AbortController().signal,
      });

      expect(outcome).toEqual({ kind: 'lease-lost', jobId: job.id, attempt: 1 });
      expect(steal!.keysAtCompletion).toHaveLength(3);
      expect(await f.storedKeys()).toEqual([]);
      const stored = await f.job(job.id);
      expect(stored).toMatchObject({ status: 'processing', attempts: 2, result: null });
      expect(stored.lease!.workerId).toBe('worker-2');
      expect((await f.eventsOf(job.id)).map((e) => e.message)).not.toContain('Job completed');
    });
  });

  describe('a storage failure', () => {
    it('is a retryable failure that leaves no partial files', async () => {
      const outage: StorageUnavailable = {
        type: 'StorageUnavailable',
        message: 'S3 answered 503 SlowDown',
        retryable: true,
      };
      const f = createApplicationFixture({
        wrapStorage: (storage) =>
          new FailingPutStorage(storage, (key) => key.endsWith('/thumbnail.jpg'), outage),
      });
      const job = await f.submit();

      expect(await f.process()).toEqual({ kind: 'retrying', jobId: job.id, attempt: 1 });

      const error = { code: 'STORAGE_UNAVAILABLE', message: 'S3 answered 503 SlowDown', retryable: true };
      expect(await f.job(job.id)).toMatchObject({
        status: 'queued',
        attempts: 1,
        runAt: at(FIRST_BACKOFF_MS),
        error,
        result: null,
      });
      expect(await f.storedKeys()).toEqual([]);
      expect(f.renderer.leftoverWorkDirs()).toEqual([]);
      expect((await f.eventsOf(job.id)).at(-1)).toMatchObject({
        message: 'Attempt 1 failed (STORAGE_UNAVAILABLE); retrying in 1 s',
        data: { event: 'retrying', error },
      });
    });

    it('fails the job when the store says the failure is permanent', async () => {
      const denied: StorageUnavailable = {
        type: 'StorageUnavailable',
        message: 'AccessDenied',
        retryable: false,
      };
      const f = createApplicationFixture({
        wrapStorage: (storage) =>
          new FailingPutStorage(storage, (key) => key.endsWith('/subtitles.vtt'), denied),
      });
      const job = await f.submit();

      expect(await f.process()).toEqual({ kind: 'failed', jobId: job.id, attempt: 1 });
      expect(await f.job(job.id)).toMatchObject({
        status: 'failed',
        error: { code: 'STORAGE_UNAVAILABLE', message: 'AccessDenied', retryable: false },
      });
      expect(await f.storedKeys()).toEqual([]);
    });
  });
});
