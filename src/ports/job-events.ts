import type { JobError, JobProgress, JobStatus } from '../domain/job.js';

/** A live change of a job, fanned out to every watcher (WebSocket, SSE) of that job. */
export interface JobUpdate {
  readonly jobId: string;
  readonly ownerId: string;
  readonly status: JobStatus;
  readonly progress: JobProgress;
  readonly attempts: number;
  readonly error: JobError | null;
  /** ISO 8601 time of the change. */
  readonly at: string;
  /** Optional human-readable line (the job event's message). */
  readonly message?: string;
}

/**
 * Publish/subscribe of job updates. Delivery is best effort: a subscriber that misses an update
 * reads the current state from the repository. Implementations never throw to the publisher.
 */
export interface JobEvents {
  publish(update: JobUpdate): Promise<void>;
  /** Calls `listener` for every update of `jobId` until the returned function is called. */
  subscribe(jobId: string, listener: (update: JobUpdate) => void): Promise<() => Promise<void>>;
}
