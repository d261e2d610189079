import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import type { InvalidVideoSpec } from '../domain/errors.js';
import type { Job } from '../domain/job.js';
import type { VideoSpecInput } from '../domain/video-spec.js';
import type { Clock } from '../ports/clock.js';
import type { DatabaseUnavailable } from '../ports/errors.js';
import type { IdGenerator } from '../ports/id-generator.js';
import type { JobRepository } from '../ports/job-repository.js';
import type { Logger } from '../ports/logger.js';
import type { WorkSignal } from '../ports/work-signal.js';
import type { JobActivity } from './job-activity.js';
import type { PrepareVideoSpec } from './prepare-video-spec.js';
import { prepareQueuedJob, storeQueuedJob } from './queued-job.js';

export interface SubmitVideoJobInput {
  readonly ownerId: string;
  /** Untrusted spec fields (validated here by the domain). */
  readonly spec: VideoSpecInput;
  /** −10..10, higher first; default 0. */
  readonly priority?: number;
  readonly batchId?: string;
}

export type SubmitVideoJobError = InvalidVideoSpec | DatabaseUnavailable;

/**
 * Validates a VideoSpec and queues a job for it; wakes a worker. On success the job and its
 * first log entry are durable (stored in one commit) and a worker has been signalled.
 */
export class SubmitVideoJob {
  constructor(
    private readonly deps: {
      readonly jobs: JobRepository;
      readonly activity: JobActivity;
      readonly signal: WorkSignal;
      readonly clock: Clock;
      readonly ids: IdGenerator;
      readonly logger: Logger;
      readonly settings: { readonly maxAttempts: number };
      /** The merge step (configuration, preferences, upload checks); without it the spec is used as sent. */
      readonly prepareSpec?: PrepareVideoSpec;
    },
  ) {}

  /** @returns the queued job, `InvalidVideoSpec` with field paths, or `DatabaseUnavailable`. */
  execute(input: SubmitVideoJobInput): ResultAsync<Job, SubmitVideoJobError> {
    // Merge step: request > configuration > preferences (see prepare-video-spec.ts).
    const prepared: ResultAsync<VideoSpecInput, SubmitVideoJobError> =
      this.deps.prepareSpec?.execute(input.ownerId, input.spec) ?? okAsync(input.spec);
    return prepared.andThen((spec) => this.queue({ ...input, spec }));
  }

  private queue(input: SubmitVideoJobInput): ResultAsync<Job, SubmitVideoJobError> {
    const job = prepareQueuedJob(this.deps, input);
    if (job.isErr()) return errAsync(job.error);
    return storeQueuedJob(this.deps, job.value);
  }
}
