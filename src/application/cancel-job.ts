import { okAsync, type ResultAsync } from 'neverthrow';
import type { IllegalJobTransition } from '../domain/errors.js';
import { requestCancel, type Job } from '../domain/job.js';
import type { Principal } from '../domain/principal.js';
import type { Clock } from '../ports/clock.js';
import type { DatabaseUnavailable, JobNotFound, VersionConflict } from '../ports/errors.js';
import type { JobRepository } from '../ports/job-repository.js';
import { findOwnedJob } from './find-owned-job.js';
import type { JobActivity } from './job-activity.js';
import { mutateJob } from './mutate-job.js';

export type CancelJobError = JobNotFound | IllegalJobTransition | VersionConflict | DatabaseUnavailable;

export interface CancelDeps {
  readonly jobs: JobRepository;
  readonly activity: JobActivity;
  readonly clock: Clock;
}

/**
 * Asks to cancel job `jobId` (domain `requestCancel`) and tells its watchers: a queued job is
 * `cancelled` at once; a processing job keeps running with `cancelRequestedAt` set until its
 * worker notices (at its next progress write or heartbeat, about every 0.5 s), kills the render,
 * stores nothing and confirms `cancelled`. Asking again while the cancel is pending changes
 * nothing. A finished job answers `IllegalJobTransition`.
 *
 * @param by user id of who asked (kept in the job's log).
 */
export function requestJobCancel(deps: CancelDeps, job: Job, by: string): ResultAsync<Job, CancelJobError> {
  if (job.status === 'processing' && job.cancelRequestedAt !== null) return okAsync(job);
  return mutateJob(deps.jobs, job.id, (j) => requestCancel(j, deps.clock.now())).map(async (changed) => {
    const done = changed.status === 'cancelled';
    await deps.activity.record(
      changed,
      'info',
      'lifecycle',
      done ? 'Job cancelled' : 'Cancel requested; the worker stops the render',
      { event: done ? 'cancelled' : 'cancel-requested', by },
    );
    return changed;
  });
}

/** Cancels one of the caller's jobs (`POST /jobs/{jobId}/cancel`); see {@link requestJobCancel}. */
export class CancelJob {
  constructor(private readonly deps: CancelDeps) {}

  /**
   * @returns the job after the request: `cancelled`, or `processing` with a pending cancel;
   *   `JobNotFound` (also for another user's job), `IllegalJobTransition` for a finished job.
   */
  execute(input: { principal: Principal; jobId: string }): ResultAsync<Job, CancelJobError> {
    return findOwnedJob(this.deps.jobs, input.principal, input.jobId).andThen((job) =>
      requestJobCancel(this.deps, job, input.principal.userId),
    );
  }
}
