import { errAsync, type ResultAsync } from 'neverthrow';
import type { InvalidVideoSpec } from '../domain/errors.js';
import { createJob, JOB_PRIORITY, type Job } from '../domain/job.js';
import { VideoSpec, type VideoSpecInput } from '../domain/video-spec.js';
import type { Clock } from '../ports/clock.js';
import type { DatabaseUnavailable } from '../ports/errors.js';
import type { IdGenerator } from '../ports/id-generator.js';
import type { JobRepository } from '../ports/job-repository.js';
import type { Logger } from '../ports/logger.js';
import type { WorkSignal } from '../ports/work-signal.js';
import type { JobActivity } from './job-activity.js';

export interface SubmitVideoJobInput {
  readonly ownerId: string;
  /** Untrusted spec fields (validated here by the domain). */
  readonly spec: VideoSpecInput;
  /** −10..10, higher first; default 0. */
  readonly priority?: number;
  readonly batchId?: string;
}

export type SubmitVideoJobError = InvalidVideoSpec | DatabaseUnavailable;

/** Validates a VideoSpec and queues a job for it; wakes a worker. */
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
    },
  ) {}

  /** @returns the queued job, `InvalidVideoSpec` with field paths, or `DatabaseUnavailable`. */
  execute(input: SubmitVideoJobInput): ResultAsync<Job, SubmitVideoJobError> {
    const priority = input.priority ?? 0;
    const spec = VideoSpec.create(input.spec);
    const priorityOk =
      Number.isInteger(priority) && priority >= JOB_PRIORITY.min && priority <= JOB_PRIORITY.max;
    if (spec.isErr() || !priorityOk) {
      const issues = [
        ...(spec.isErr() ? spec.error.issues : []),
        ...(priorityOk
          ? []
          : [
              {
                path: 'priority',
                message: `must be an integer from ${JOB_PRIORITY.min} to ${JOB_PRIORITY.max}`,
              },
            ]),
      ];
      return errAsync({ type: 'InvalidVideoSpec', issues });
    }
    const job = createJob({
      id: this.deps.ids.next(),
      ownerId: input.ownerId,
      spec: spec.value,
      priority,
      maxAttempts: this.deps.settings.maxAttempts,
      batchId: input.batchId ?? null,
      now: this.deps.clock.now(),
    });
    return this.deps.jobs.insert(job).map(async (stored) => {
      await this.deps.activity.record(stored, 'info', 'lifecycle', 'Job queued', {
        priority: stored.priority,
        quality: stored.spec.quality,
      });
      await this.deps.signal.notify().catch((error: unknown) => {
        this.deps.logger.warn({ err: String(error) }, 'work signal failed; workers will poll');
      });
      return stored;
    });
  }
}
