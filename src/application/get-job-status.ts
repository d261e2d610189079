import { okAsync, ResultAsync } from 'neverthrow';
import type { Job } from '../domain/job.js';
import { owns, type Principal } from '../domain/principal.js';
import type { Cache } from '../ports/cache.js';
import type { DatabaseUnavailable, JobNotFound } from '../ports/errors.js';
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

/**
 * The caller's job with its queue position. Hot path (clients poll it): served from the cache
 * for up to `cacheTtlMs` (the cache entry is deleted whenever the job changes, so a stale view
 * lives at most one TTL after a race).
 */
export class GetJobStatus {
  constructor(
    private readonly deps: {
      readonly jobs: JobRepository;
      readonly cache: Cache;
      /** Lifetime of a cached view in ms; 0 disables the cache. */
      readonly cacheTtlMs: number;
    },
  ) {}

  execute(input: { principal: Principal; jobId: string }): ResultAsync<JobStatusView, GetJobStatusError> {
    if (this.deps.cacheTtlMs <= 0) return this.load(input);
    const key = jobStatusCacheKey(input.jobId);
    return ResultAsync.fromSafePromise(this.deps.cache.get(key)).andThen((cached) => {
      const view = cached === null ? null : decodeView(cached);
      if (view !== null) {
        // Another user's job: answer exactly as for a missing one (the repository decides).
        return owns(input.principal, view.job.ownerId)
          ? okAsync<JobStatusView, GetJobStatusError>(view)
          : this.load(input);
      }
      return this.load(input).map(async (loaded) => {
        await this.deps.cache.set(
          key,
          JSON.stringify({ job: encodeJob(loaded.job), queuePosition: loaded.queuePosition }),
          this.deps.cacheTtlMs,
        );
        return loaded;
      });
    });
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
