import type { Stage } from '../../domain/job.js';
import type { JobAttemptOutcome, Metrics } from '../../ports/metrics.js';

/** One recorded HTTP request. */
export interface RecordedRequest {
  readonly method: string;
  readonly route: string;
  readonly statusCode: number;
  readonly seconds: number;
}

/**
 * {@link Metrics} that keeps every report in plain arrays and maps, so tests assert what was
 * measured (stage durations, outcomes, failures by code) rather than that a method was called.
 */
export class InMemoryMetrics implements Metrics {
  readonly queueWaits: number[] = [];
  readonly stages: { readonly stage: Stage; readonly seconds: number }[] = [];
  readonly outcomes: { readonly outcome: JobAttemptOutcome; readonly seconds: number }[] = [];
  /** Failure count by error code. */
  readonly failures = new Map<string, number>();
  readonly requests: RecordedRequest[] = [];

  jobStarted(waitSeconds: number): void {
    this.queueWaits.push(waitSeconds);
  }

  stageCompleted(stage: Stage, seconds: number): void {
    this.stages.push({ stage, seconds });
  }

  jobFinished(outcome: JobAttemptOutcome, seconds: number): void {
    this.outcomes.push({ outcome, seconds });
  }

  jobFailed(code: string, _retryable: boolean): void {
    this.failures.set(code, (this.failures.get(code) ?? 0) + 1);
  }

  httpRequestFinished(method: string, route: string, statusCode: number, seconds: number): void {
    this.requests.push({ method, route, statusCode, seconds });
  }

  /** Outcome count by kind. */
  outcomeCounts(): Partial<Record<JobAttemptOutcome, number>> {
    const counts: Partial<Record<JobAttemptOutcome, number>> = {};
    for (const { outcome } of this.outcomes) counts[outcome] = (counts[outcome] ?? 0) + 1;
    return counts;
  }
}
