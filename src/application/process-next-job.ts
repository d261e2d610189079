import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { backoffDelayMs, type BackoffPolicy } from '../domain/backoff.js';
import {
  confirmCancelled,
  failJob,
  finishAttempt,
  releaseJob,
  reportProgress,
  type Job,
  type JobError,
  type Stage,
} from '../domain/job.js';
import { planStoryboard } from '../domain/storyboard.js';
import type { VideoAsset } from '../domain/video-asset.js';
import type { Clock } from '../ports/clock.js';
import type { JobEvents } from '../ports/job-events.js';
import type { JobRepository } from '../ports/job-repository.js';
import type { Logger } from '../ports/logger.js';
import type { Metrics } from '../ports/metrics.js';
import type { ObjectStorage } from '../ports/object-storage.js';
import type { PassageRetriever } from '../ports/passage-retriever.js';
import type { RenderedVideo, RenderProgress, VideoRenderer } from '../ports/video-renderer.js';
import type { ScratchFiles } from '../ports/scratch-files.js';
import type { UploadRepository } from '../ports/upload-repository.js';
import { watchAttempt } from './attempt-watch.js';
import { fetchRenderAssets, type LocalRenderAssets } from './fetch-render-assets.js';
import type { JobActivity } from './job-activity.js';
import { mutateJob } from './mutate-job.js';

/** Share of the whole job's progress (percent) each stage covers; they add up to 100. */
export const STAGE_WEIGHTS: Readonly<Record<Stage, number>> = {
  queued: 0,
  planning: 3,
  narration: 20,
  rendering: 12,
  composing: 47,
  thumbnail: 3,
  uploading: 15,
  done: 0,
};

const STAGE_ORDER: readonly Stage[] = [
  'planning',
  'narration',
  'rendering',
  'composing',
  'thumbnail',
  'uploading',
];

/** Whole-job percent (0–100) when `stage` is `stagePercent` done. */
export function overallPercent(stage: Stage, stagePercent: number): number {
  let before = 0;
  for (const s of STAGE_ORDER) {
    if (s === stage) break;
    before += STAGE_WEIGHTS[s];
  }
  if (stage === 'done') return 100;
  return Math.min(100, before + (STAGE_WEIGHTS[stage] * Math.min(100, Math.max(0, stagePercent))) / 100);
}

export interface ProcessNextJobSettings {
  /** Lease length in ms. */
  readonly leaseMs: number;
  /** Heartbeat period in ms (default a third of the lease). */
  readonly heartbeatMs?: number;
  /** Minimum ms between two stored progress writes within a stage (default 500). */
  readonly progressIntervalMs?: number;
  /** Period in ms of the running attempt's check for a cancel request or a lost lease (default 500). */
  readonly cancelCheckMs?: number;
  /** First segment of stored object keys (the environment). */
  readonly storagePrefix: string;
  readonly backoff: BackoffPolicy;
}

export type ProcessOutcome =
  | { readonly kind: 'idle' }
  | {
      readonly kind: 'completed' | 'retrying' | 'failed' | 'cancelled' | 'released' | 'lease-lost';
      readonly jobId: string;
      readonly attempt: number;
    };

type StopReason = 'cancel' | 'lease-lost' | 'shutdown';

/**
 * The worker's use case (DESIGN §4): claim the next job, plan its storyboard, render it while
 * heart-beating the lease, store the files, and complete it — or fail it (retry with backoff when
 * the error is retryable and attempts remain), confirm a requested cancel, or release it on
 * shutdown. Every write is fenced by the attempt number: a worker that lost its lease can't
 * complete or fail the job, and the files it stored are deleted.
 */
export class ProcessNextJob {
  private readonly random: () => number;

  constructor(
    private readonly deps: {
      readonly jobs: JobRepository;
      readonly activity: JobActivity;
      readonly renderer: VideoRenderer;
      readonly storage: ObjectStorage;
      readonly clock: Clock;
      readonly logger: Logger;
      /** Receives stage durations, attempt outcomes and failure codes. */
      readonly metrics: Metrics;
      readonly settings: ProcessNextJobSettings;
      /** Source of randomness in [0, 1) for backoff jitter. */
      readonly random?: () => number;
      /** Finds passages of uploaded documents for jobs with `useRag` (RAG); required by such jobs. */
      readonly retriever?: PassageRetriever;
      /** Live job updates: a cancel request reaches the running attempt through them at once. */
      readonly live?: JobEvents;
      /** Finds the uploads a spec names as assets (logo, background, music); required by such jobs. */
      readonly uploads?: UploadRepository;
      /** Where assets are downloaded for the renderer (one directory per attempt); required by such jobs. */
      readonly scratchFiles?: ScratchFiles;
    },
  ) {
    this.random = deps.random ?? Math.random;
  }

  /**
   * Claims and processes at most one job.
   * @param input.shutdown aborting it stops the render and releases the job back to the queue
   *   without counting the attempt (graceful shutdown past its grace period).
   * @returns what happened; `idle` when no job was runnable.
   * @throws only on programmer errors; infrastructure failures end as outcomes or logs.
   */
  async execute(input: { workerId: string; shutdown: AbortSignal }): Promise<ProcessOutcome> {
    if (input.shutdown.aborted) return { kind: 'idle' };
    const claimed = await this.deps.jobs.claim(input.workerId, this.deps.settings.leaseMs, 1);
    if (claimed.isErr()) {
      this.deps.logger.warn({ err: claimed.error.message }, 'claim failed');
      return { kind: 'idle' };
    }
    const job = claimed.value[0];
    if (job === undefined) return { kind: 'idle' };
    const started = this.deps.clock.now();
    this.deps.metrics.jobStarted(secondsBetween(job.runAt, started));
    const outcome = await this.run(job, input.workerId, input.shutdown);
    if (outcome.kind !== 'idle')
      this.deps.metrics.jobFinished(outcome.kind, secondsBetween(started, this.deps.clock.now()));
    return outcome;
  }

  private async run(job: Job, workerId: string, shutdown: AbortSignal): Promise<ProcessOutcome> {
    const { jobs, activity, renderer, logger, settings } = this.deps;
    const attempt = job.attempts;
    const log = logger.child({ jobId: job.id, attempt, workerId });
    const controller = new AbortController();
    let stopReason: StopReason | null = null;
    const stop = (reason: StopReason): void => {
      if (stopReason !== null) return;
      stopReason = reason;
      controller.abort(reason);
    };
    const onShutdown = (): void => stop('shutdown');
    shutdown.addEventListener('abort', onShutdown, { once: true });
    if (shutdown.aborted) stop('shutdown');

    const heartbeatMs = settings.heartbeatMs ?? Math.max(250, Math.floor(settings.leaseMs / 3));
    const heartbeat = setInterval(() => {
      void jobs.renewLease(job.id, attempt, settings.leaseMs).match(
        (renewal) => {
          if (renewal === null) stop('lease-lost');
          else if (renewal.cancelRequested) stop('cancel');
        },
        (e) => log.warn({ err: e.message }, 'lease renewal failed; retrying at the next heartbeat'),
      );
    }, heartbeatMs);
    heartbeat.unref();
    const unwatch = watchAttempt({
      jobs,
      live: this.deps.live,
      jobId: job.id,
      attempt,
      intervalMs: settings.cancelCheckMs ?? 500,
      onStop: stop,
      logger: log,
    });

    const progress = new ProgressWriter(
      this.deps,
      job,
      attempt,
      settings.progressIntervalMs ?? 500,
      stop,
      log,
    );
    let rendered: RenderedVideo | null = null;
    let assets: LocalRenderAssets | null = null;
    const storedKeys: string[] = [];
    try {
      await activity.record(job, 'info', 'lifecycle', `Attempt ${attempt} of ${job.maxAttempts} started`, {
        attempt,
        workerId,
      });
      const planningStarted = this.deps.clock.now();
      await progress.report({ stage: 'planning', percent: 0 });
      const retrieved = await this.retrievePassages(job, attempt);
      if (retrieved.kind === 'error') return await this.failed(job, attempt, retrieved.error, log);
      const fetched = await this.fetchAssets(job, attempt);
      if (fetched.kind === 'error') return await this.failed(job, attempt, fetched.error, log);
      assets = fetched.assets;
      const storyboard = planStoryboard(job.spec, retrieved.passages);
      await progress.report({
        stage: 'planning',
        percent: 100,
        message: `Planned ${storyboard.scenes.length} scenes`,
      });
      this.deps.metrics.stageCompleted('planning', secondsBetween(planningStarted, this.deps.clock.now()));

      const result = await renderer.render(
        { jobId: job.id, spec: job.spec, storyboard, ...(assets.paths ? { assets: assets.paths } : {}) },
        { signal: controller.signal, onProgress: (p) => progress.report(p) },
      );
      await progress.flush();
      if (result.isErr()) {
        if (result.error.type === 'RenderCancelled' || stopReason !== null)
          return await this.stopped(job, attempt, stopReason ?? 'cancel', log);
        return await this.failed(
          job,
          attempt,
          {
            code: 'RENDER_FAILED',
            message: `${result.error.stage}: ${result.error.message}`,
            retryable: result.error.retryable,
          },
          log,
        );
      }
      rendered = result.value;
      for (const [stage, seconds] of Object.entries(rendered.stageSeconds) as [Stage, number][])
        this.deps.metrics.stageCompleted(stage, seconds);
      if (stopReason !== null) return await this.stopped(job, attempt, stopReason, log);

      const uploadStarted = this.deps.clock.now();
      await progress.report({ stage: 'uploading', percent: 0 });
      if (stopReason !== null) return await this.stopped(job, attempt, stopReason, log);
      const uploaded = await this.upload(job, attempt, rendered, storedKeys, (p) =>
        progress.report({ stage: 'uploading', percent: p }),
      );
      await progress.flush();
      if (uploaded.kind === 'error') {
        await this.deleteKeys(storedKeys, log);
        if (stopReason !== null) return await this.stopped(job, attempt, stopReason, log);
        return await this.failed(job, attempt, uploaded.error, log);
      }
      this.deps.metrics.stageCompleted('uploading', secondsBetween(uploadStarted, this.deps.clock.now()));
      if (stopReason === 'lease-lost' || stopReason === 'shutdown') {
        await this.deleteKeys(storedKeys, log);
        return await this.stopped(job, attempt, stopReason, log);
      }
      // A cancel requested before the completion commits wins (and the files go); once
      // completed, a cancel is refused. Either way one write decides, so the end is consistent.
      const completed = await mutateJob(jobs, job.id, (j) =>
        finishAttempt(j, { attempt, result: uploaded.asset, now: this.deps.clock.now() }),
      );
      if (completed.isOk() && completed.value.status === 'cancelled') {
        await this.deleteKeys(storedKeys, log);
        await activity.record(completed.value, 'info', 'lifecycle', 'Job cancelled', {
          attempt,
          event: 'cancelled',
        });
        return { kind: 'cancelled', jobId: job.id, attempt };
      }
      if (completed.isErr()) {
        // Fencing: another attempt owns the job now (or it vanished): our files must not stay.
        await this.deleteKeys(storedKeys, log);
        log.warn({ err: completed.error }, 'completion refused; stored files removed');
        return { kind: 'lease-lost', jobId: job.id, attempt };
      }
      await activity.record(completed.value, 'info', 'lifecycle', 'Job completed', {
        attempt,
        event: 'completed',
        stageSeconds: rendered.stageSeconds,
        durationSeconds: uploaded.asset.durationSeconds,
        sizeBytes: uploaded.asset.sizeBytes,
      });
      return { kind: 'completed', jobId: job.id, attempt };
    } catch (error) {
      log.error(
        { err: error instanceof Error ? (error.stack ?? error.message) : String(error) },
        'unexpected error in job',
      );
      await this.deleteKeys(storedKeys, log);
      return await this.failed(
        job,
        attempt,
        {
          code: 'INTERNAL_ERROR',
          message: error instanceof Error ? error.message : String(error),
          retryable: true,
        },
        log,
      );
    } finally {
      clearInterval(heartbeat);
      unwatch();
      shutdown.removeEventListener('abort', onShutdown);
      if (rendered !== null) await rendered.dispose().catch(() => undefined);
      if (assets !== null) await assets.release();
    }
  }

  /**
   * Uploaded assets (planning stage): the spec's logo, background and music downloaded to a
   * scratch directory for the renderer, with a JobEvent saying what was fetched or why not
   * (`ASSET_UNAVAILABLE` for a missing, deleted or foreign upload: not retryable).
   */
  private async fetchAssets(
    job: Job,
    attempt: number,
  ): Promise<{ kind: 'ok'; assets: LocalRenderAssets } | { kind: 'error'; error: JobError }> {
    const result = await fetchRenderAssets(this.deps, job);
    if (result.kind === 'error') {
      const { error, role, uploadId } = result.failure;
      await this.deps.activity.record(job, 'error', 'planning', `Asset unavailable: ${error.message}`, {
        attempt,
        asset: role,
        uploadId,
        code: error.code,
        retryable: error.retryable,
      });
      return { kind: 'error', error };
    }
    const { fetched } = result.assets;
    if (fetched.length > 0)
      await this.deps.activity.record(
        job,
        'info',
        'planning',
        `Fetched ${fetched.length} asset(s): ${fetched.map((a) => a.role).join(', ')}`,
        { attempt, assets: fetched },
      );
    return result;
  }

  /**
   * RAG (planning stage): the passages of the job's source documents most relevant to its topic
   * and context, with a JobEvent saying what was found or why retrieval failed. Jobs without
   * `useRag` get no passages.
   */
  private async retrievePassages(
    job: Job,
    attempt: number,
  ): Promise<{ kind: 'ok'; passages: string[] } | { kind: 'error'; error: JobError }> {
    const rag = job.spec.rag;
    if (!job.spec.useRag || rag === undefined || rag.sourceUploadIds.length === 0)
      return { kind: 'ok', passages: [] };
    const { retriever, activity } = this.deps;
    if (retriever === undefined) {
      const error = {
        code: 'RETRIEVAL_FAILED',
        message: 'no passage retriever is configured',
        retryable: false,
      };
      await activity.record(job, 'error', 'planning', `Retrieval failed: ${error.message}`, {
        attempt,
        error,
      });
      return { kind: 'error', error };
    }
    const found = await retriever.retrieve({
      ownerId: job.ownerId,
      uploadIds: rag.sourceUploadIds,
      query: `${job.spec.topic}\n${job.spec.context}`,
      topK: rag.topK,
    });
    if (found.isErr()) {
      const error = {
        code: 'RETRIEVAL_FAILED',
        message: found.error.message,
        retryable: found.error.retryable,
      };
      await activity.record(job, 'error', 'planning', `Retrieval failed: ${found.error.message}`, {
        attempt,
        uploadId: found.error.uploadId,
        retryable: found.error.retryable,
      });
      return { kind: 'error', error };
    }
    await activity.record(
      job,
      'info',
      'planning',
      `Retrieved ${found.value.length} passage(s) from ${rag.sourceUploadIds.length} document(s)`,
      { attempt, passages: found.value.length, topK: rag.topK },
    );
    return { kind: 'ok', passages: found.value };
  }

  private async upload(
    job: Job,
    attempt: number,
    rendered: RenderedVideo,
    storedKeys: string[],
    onPercent: (percent: number) => void,
  ): Promise<{ kind: 'ok'; asset: VideoAsset } | { kind: 'error'; error: JobError }> {
    const base = `${this.deps.settings.storagePrefix}/${job.ownerId}/${job.id}/attempt-${attempt}`;
    const files = [
      { key: `${base}/video.mp4`, path: rendered.videoPath, contentType: 'video/mp4' },
      { key: `${base}/thumbnail.jpg`, path: rendered.thumbnailPath, contentType: 'image/jpeg' },
      { key: `${base}/subtitles.vtt`, path: rendered.subtitlesPath, contentType: 'text/vtt; charset=utf-8' },
    ] as const;
    const sha256 = await sha256File(rendered.videoPath);
    let versionId: string | undefined;
    for (const [i, file] of files.entries()) {
      const put = await this.deps.storage.putFile(file.key, file.path, {
        contentType: file.contentType,
        onProgress: (bytes) =>
          i === 0 && rendered.probe.sizeBytes > 0 && onPercent((90 * bytes) / rendered.probe.sizeBytes),
      });
      if (put.isErr())
        return {
          kind: 'error',
          error: { code: 'STORAGE_UNAVAILABLE', message: put.error.message, retryable: put.error.retryable },
        };
      storedKeys.push(file.key);
      if (i === 0 && put.value.versionId !== undefined) versionId = put.value.versionId;
    }
    onPercent(100);
    const probe = rendered.probe;
    return {
      kind: 'ok',
      asset: {
        videoKey: files[0].key,
        thumbnailKey: files[1].key,
        subtitlesKey: files[2].key,
        sizeBytes: probe.sizeBytes,
        durationSeconds: probe.durationSeconds,
        width: probe.width,
        height: probe.height,
        fps: probe.fps,
        videoCodec: probe.videoCodec,
        audioCodec: probe.audioCodec,
        bitrate: probe.bitrate,
        sha256,
        ...(versionId !== undefined ? { versionId } : {}),
      },
    };
  }

  private async failed(job: Job, attempt: number, error: JobError, log: Logger): Promise<ProcessOutcome> {
    this.deps.metrics.jobFailed(error.code, error.retryable);
    const backoffMs = backoffDelayMs(this.deps.settings.backoff, attempt, this.random());
    const failed = await mutateJob(this.deps.jobs, job.id, (j) =>
      failJob(j, { attempt, error, backoffMs, now: this.deps.clock.now() }),
    );
    if (failed.isErr()) {
      log.warn({ err: failed.error, error }, 'failure not recorded (lease lost or database down)');
      return { kind: 'lease-lost', jobId: job.id, attempt };
    }
    const stored = failed.value;
    const kind =
      stored.status === 'queued' ? 'retrying' : stored.status === 'cancelled' ? 'cancelled' : 'failed';
    const message =
      kind === 'retrying'
        ? `Attempt ${attempt} failed (${error.code}); retrying in ${Math.round(backoffMs / 1000)} s`
        : kind === 'cancelled'
          ? 'Job cancelled'
          : `Job failed after ${attempt} attempt(s): ${error.code}`;
    await this.deps.activity.record(stored, kind === 'cancelled' ? 'info' : 'error', 'lifecycle', message, {
      attempt,
      event: kind,
      error,
      ...(kind === 'retrying' ? { backoffMs } : {}),
    });
    log.info({ error, outcome: kind }, message);
    return { kind, jobId: job.id, attempt };
  }

  private async stopped(job: Job, attempt: number, reason: StopReason, log: Logger): Promise<ProcessOutcome> {
    const now = (): Date => this.deps.clock.now();
    if (reason === 'lease-lost') {
      log.warn({}, 'lease lost; abandoning the attempt');
      return { kind: 'lease-lost', jobId: job.id, attempt };
    }
    const changed =
      reason === 'cancel'
        ? await mutateJob(this.deps.jobs, job.id, (j) => confirmCancelled(j, { attempt, now: now() }))
        : await mutateJob(this.deps.jobs, job.id, (j) => releaseJob(j, { attempt, now: now() }));
    if (changed.isErr()) {
      log.warn({ err: changed.error }, `could not record ${reason}`);
      return { kind: 'lease-lost', jobId: job.id, attempt };
    }
    const kind = changed.value.status === 'cancelled' ? 'cancelled' : 'released';
    await this.deps.activity.record(
      changed.value,
      'info',
      'lifecycle',
      kind === 'cancelled' ? 'Job cancelled' : 'Job released to the queue (worker shutting down)',
      { attempt, event: kind },
    );
    return { kind, jobId: job.id, attempt };
  }

  private async deleteKeys(keys: readonly string[], log: Logger): Promise<void> {
    for (const key of keys) {
      const deleted = await this.deps.storage.delete(key);
      if (deleted.isErr()) log.warn({ key, err: deleted.error.message }, 'could not delete a stored file');
    }
  }
}

/**
 * Turns the renderer's per-stage progress into stored job progress and live updates: a stored
 * write at every stage change and at most one per `intervalMs` within a stage; writes are
 * serialised. Each write also learns whether a cancel was requested or the lease was lost.
 */
class ProgressWriter {
  private chain: Promise<void> = Promise.resolve();
  private lastStage: Stage | null = null;
  private lastWriteAt = 0;
  private pending: RenderProgress | null = null;

  constructor(
    private readonly deps: {
      readonly jobs: JobRepository;
      readonly activity: JobActivity;
      readonly clock: Clock;
    },
    private readonly job: Job,
    private readonly attempt: number,
    private readonly intervalMs: number,
    private readonly stop: (reason: StopReason) => void,
    private readonly log: Logger,
  ) {}

  /** Queues a progress report; resolves when it (or a later one) is stored. */
  report(p: RenderProgress): Promise<void> {
    const stageChanged = p.stage !== this.lastStage;
    const due = Date.now() - this.lastWriteAt >= this.intervalMs;
    if (!stageChanged && !due && p.percent < 100) {
      this.pending = p;
      return this.chain;
    }
    this.pending = null;
    this.lastStage = p.stage;
    this.lastWriteAt = Date.now();
    this.chain = this.chain.then(() => this.write(p, stageChanged));
    return this.chain;
  }

  /** Stores the last throttled report, if any, and waits for every queued write. */
  async flush(): Promise<void> {
    if (this.pending !== null) {
      const p = this.pending;
      this.pending = null;
      this.chain = this.chain.then(() => this.write(p, false));
    }
    await this.chain;
  }

  private async write(p: RenderProgress, stageChanged: boolean): Promise<void> {
    const percent = overallPercent(p.stage, p.percent);
    const stored = await mutateJob(this.deps.jobs, this.job.id, (j) =>
      reportProgress(j, { attempt: this.attempt, stage: p.stage, percent, now: this.deps.clock.now() }),
    );
    if (stored.isErr()) {
      if (stored.error.type === 'LeaseLost' || stored.error.type === 'JobNotFound') this.stop('lease-lost');
      else this.log.warn({ err: stored.error }, 'progress not stored');
      return;
    }
    if (stored.value.cancelRequestedAt !== null) this.stop('cancel');
    if (stageChanged)
      await this.deps.activity.record(
        stored.value,
        'info',
        p.stage,
        p.message ?? `Stage ${p.stage} started`,
        {
          attempt: this.attempt,
          event: 'stage-started',
        },
      );
    else await this.deps.activity.publish(stored.value, p.message);
  }
}

/** Seconds from `from` to `to` (never negative: the store's and the worker's clocks may differ). */
const secondsBetween = (from: Date, to: Date): number => Math.max(0, (to.getTime() - from.getTime()) / 1000);

/** Hex SHA-256 of a file's bytes, streamed. */
async function sha256File(filePath: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(filePath), hash);
  return hash.digest('hex');
}
