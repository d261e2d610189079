import type { Stage } from './job.js';

export type JobEventLevel = 'debug' | 'info' | 'warn' | 'error';

/** One entry of a job's log, recorded as the job moves through its lifecycle and pipeline. */
export interface JobEvent {
  readonly id: string;
  readonly jobId: string;
  readonly at: Date;
  readonly level: JobEventLevel;
  /** Pipeline stage or lifecycle step the entry belongs to. */
  readonly stage: Stage | 'lifecycle';
  readonly message: string;
  /** Structured detail (JSON-serialisable). */
  readonly data: Readonly<Record<string, unknown>>;
}
