import type { Stage } from '../domain/job.js';

/** How one attempt of a job ended (the worker's `ProcessOutcome` kinds). */
export type JobAttemptOutcome = 'completed' | 'retrying' | 'failed' | 'cancelled' | 'released' | 'lease-lost';

/**
 * What the service reports for monitoring: job stage durations, attempt outcomes, failures by
 * code, queue waits and HTTP request durations. Calls are synchronous, cheap and never fail; the
 * adapter decides how the numbers are kept (Prometheus registry, memory for tests).
 */
export interface Metrics {
  /** A worker started an attempt of a job that waited `waitSeconds` since it became runnable. */
  jobStarted(waitSeconds: number): void;

  /** A pipeline stage of one attempt finished, taking `seconds`. */
  stageCompleted(stage: Stage, seconds: number): void;

  /** An attempt ended with `outcome` after `seconds` of processing. */
  jobFinished(outcome: JobAttemptOutcome, seconds: number): void;

  /** An attempt failed with error `code` (whether or not it will be retried). */
  jobFailed(code: string, retryable: boolean): void;

  /**
   * An HTTP request was answered. `route` is the route pattern (`/api/v1/videos/jobs/:jobId/status`),
   * never the raw URL (unbounded label values); unmatched requests use a fixed placeholder.
   */
  httpRequestFinished(method: string, route: string, statusCode: number, seconds: number): void;
}
