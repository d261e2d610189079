import { okAsync, ResultAsync } from 'neverthrow';
import type { Job } from '../domain/job.js';
import { owns, type Principal } from '../domain/principal.js';
import type { Cache } from '../ports/cache.js';
import type { DatabaseUnavailable, JobNotFound } from '../ports/errors.js';
import type { JobEvents } from '../ports/job-events.js';
import type { JobRepository } from '../ports/job-repository.js';
import { findOwnedJob } from './find-owned-job.js';
import { decodeJob, encodeJob } from './job-codec.js';

export interface JobStatusView {
  readonly job: Job;
  /** 1-based place in the queue while queued, else `null`. */
  readonly queuePosition: number | null;
}

export type GetJobStatusError = JobNotFound | DatabaseUnavailable;

/** Cache key of a job's status view; {@link JobActivity} deletes it on every change of the job. */
export const jobStatusCacheKey = (jobId: string): string => `job-status:${jobId}`;

/** Settings of the in-process tier of {@link GetJobStatus}. */
export interface LocalStatusTier {
  /** Live updates of jobs: any update of a job drops its local view at once. */
  readonly live: JobEvents;
  /** Lifetime of a local view in ms (capped by `cacheTtlMs`); 0 disables the tier. */
  readonly ttlMs: number;
  /** Most jobs held (oldest dropped first). Default 10,000. */
  readonly maxEntries?: number;
  /** Clock in ms (tests). Default `Date.now`. */
  readonly now?: () => number;
}

const NO_SUBSCRIPTION: Promise<() => Promise<void>> = Promise.resolve(async () => undefined);

interface LocalView {
  readonly view: JobStatusView;
  readonly expiresAt: number;
  /** Resolves to the unsubscribe function of the job's live-update listener. */
  unsubscribe: Promise<() => Promise<void>>;
  stopped: boolean;
}

/**
 * The caller's job with its queue position. Hot path (clients poll it), served from two tiers:
 * - the shared `cache` (Redis in production) for up to `cacheTtlMs` (the entry is deleted whenever
 *   the job changes, so a stale view lives at most one TTL after a race);
 * - with `local`, an in-process copy for up to `local.ttlMs` (capped by `cacheTtlMs`), dropped as
 *   soon as this process hears a live update of the job (its own changes and, through Redis
 *   pub/sub, every other process's). Staleness bound: normally the pub/sub delay; when an update
 *   is lost (pub/sub is best effort) or the job is deleted (deletion publishes nothing), at most
 *   `local.ttlMs` more. The same view object is returned while it is cached, so a caller may
 *   memoise work per view (the HTTP adapter keeps its JSON).
 */
export class GetJobStatus {
  private readonly localTtlMs: number;
  private readonly localMax: number;
  private readonly now: () => number;
  private readonly views = new Map<string, LocalView>();

  constructor(
    private readonly deps: {
      readonly jobs: JobRepository;
      readonly cache: Cache;
      /** Lifetime of a cached view in ms; 0 disables the cache (both tiers). */
      readonly cacheTtlMs: number;
      /** The in-process tier; absent: every read goes to `cache`. */
      readonly local?: LocalStatusTier;
    },
  ) {
    this.localTtlMs = Math.min(deps.local?.ttlMs ?? 0, deps.cacheTtlMs);
    this.localMax = deps.local?.maxEntries ?? 10_000;
    this.now = deps.local?.now ?? Date.now;
  }

  execute(input: { principal: Principal; jobId: string }): ResultAsync<JobStatusView, GetJobStatusError> {
    if (this.deps.cacheTtlMs <= 0) return this.load(input);
    const local = this.localTtlMs > 0 ? this.views.get(input.jobId) : undefined;
    if (local !== undefined) {
      if (local.expiresAt > this.now()) {
        // Another user's job: answer exactly as for a missing one (the repository decides).
        return owns(input.principal, local.view.job.ownerId) ? okAsync(local.view) : this.load(input);
      }
      this.forget(input.jobId, local);
    }
    const key = jobStatusCacheKey(input.jobId);
    return ResultAsync.fromSafePromise(this.deps.cache.get(key)).andThen((cached) => {
      const view = cached === null ? null : decodeView(cached);
      if (view !== null) {
        if (!owns(input.principal, view.job.ownerId)) return this.load(input);
        this.remember(view);
        return okAsync<JobStatusView, GetJobStatusError>(view);
      }
      return this.load(input).map(async (loaded) => {
        await this.deps.cache.set(
          key,
          JSON.stringify({ job: encodeJob(loaded.job), queuePosition: loaded.queuePosition }),
          this.deps.cacheTtlMs,
        );
        this.remember(loaded);
        return loaded;
      });
    });
  }

  /** Number of jobs in the in-process tier (tests, introspection). */
  get localSize(): number {
    return this.views.size;
  }

  private remember(view: JobStatusView): void {
    const local = this.deps.local;
    if (local === undefined || this.localTtlMs <= 0) return;
    const jobId = view.job.id;
    const previous = this.views.get(jobId);
    if (previous !== undefined) this.forget(jobId, previous);
    if (this.views.size >= this.localMax) {
      const oldest = this.views.entries().next().value;
      if (oldest !== undefined) this.forget(oldest[0], oldest[1]);
    }
    const entry: LocalView = {
      view,
      expiresAt: this.now() + this.localTtlMs,
      unsubscribe: NO_SUBSCRIPTION,
      stopped: false,
    };
    // The listener is registered before the view is used: an update from now on drops it.
    entry.unsubscribe = local.live
      .subscribe(jobId, () => this.forget(jobId, entry))
      .catch(() => {
        // Cannot hear updates: do not keep the view.
        this.forget(jobId, entry);
        return async () => undefined;
      });
    this.views.set(jobId, entry);
  }

  private forget(jobId: string, entry: LocalView): void {
    if (this.views.get(jobId) === entry) this.views.delete(jobId);
    if (entry.stopped) return;
    entry.stopped = true;
    void entry.unsubscribe.then((stop) => stop()).catch(() => undefined);
  }

  private load(input: {
    principal: Principal;
    jobId: string;
  }): ResultAsync<JobStatusView, GetJobStatusError> {
    return findOwnedJob(this.deps.jobs, input.principal, input.jobId).andThen((job) =>
      job.status === 'queued'
        ? this.deps.jobs.queuePosition(job.id).map((queuePosition) => ({ job, queuePosition }))
        : okAsync({ job, queuePosition: null }),
    );
  }
}

function decodeView(text: string): JobStatusView | null {
  try {
    const raw = JSON.parse(text) as { job: string; queuePosition: number | null };
    const job = decodeJob(raw.job);
    return job === null ? null : { job, queuePosition: raw.queuePosition };
  } catch {
    return null;
  }
}
