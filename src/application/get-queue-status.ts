import type { ResultAsync } from 'neverthrow';
import type { DatabaseUnavailable } from '../ports/errors.js';
import type { JobCounts, JobRepository, RunningJob } from '../ports/job-repository.js';

/** At most this many running jobs are listed (the count covers all of them). */
export const QUEUE_STATUS_RUNNING_LIMIT = 100;

/** A running job with its lease measured against the store's clock. */
export interface RunningJobView extends RunningJob {
  /** Seconds until the lease expires (negative: expired, waiting for the sweeper). */
  readonly leaseExpiresInSeconds: number | null;
}

/** The queue right now (admins only; the HTTP adapter checks the role). */
export interface QueueStatus {
  /** The store's clock at the snapshot. */
  readonly asOf: Date;
  readonly counts: JobCounts;
  /** Seconds the oldest queued job has existed; `null` when nothing is queued. */
  readonly oldestQueuedAgeSeconds: number | null;
  /** Queued jobs claimable now, and those whose `runAt` is in the future (retry backoff). */
  readonly runnable: number;
  readonly delayed: number;
  readonly running: readonly RunningJobView[];
  /** Distinct lease owners of the processing jobs: the workers busy right now. */
  readonly activeWorkers: readonly string[];
}

export type GetQueueStatusError = DatabaseUnavailable;

const seconds = (ms: number): number => Math.round(ms / 100) / 10;

/** The queue's state from one store snapshot: counts, ages, runnable vs delayed, running leases. */
export class GetQueueStatus {
  constructor(
    private readonly deps: {
      readonly jobs: JobRepository;
      /** Running jobs listed at most (default {@link QUEUE_STATUS_RUNNING_LIMIT}). */
      readonly runningLimit?: number;
    },
  ) {}

  execute(): ResultAsync<QueueStatus, GetQueueStatusError> {
    return this.deps.jobs
      .queueSnapshot(this.deps.runningLimit ?? QUEUE_STATUS_RUNNING_LIMIT)
      .map((snapshot) => {
        const now = snapshot.asOf.getTime();
        return {
          asOf: snapshot.asOf,
          counts: snapshot.counts,
          oldestQueuedAgeSeconds:
            snapshot.oldestQueuedAt === null
              ? null
              : Math.max(0, seconds(now - snapshot.oldestQueuedAt.getTime())),
          runnable: snapshot.runnable,
          delayed: snapshot.delayed,
          running: snapshot.running.map((job) => ({
            ...job,
            leaseExpiresInSeconds:
              job.leaseExpiresAt === null ? null : seconds(job.leaseExpiresAt.getTime() - now),
          })),
          activeWorkers: snapshot.activeWorkers,
        };
      });
  }
}
