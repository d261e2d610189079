import { err, ok, type Result, type ResultAsync } from 'neverthrow';
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

/**
 * What SubmitVideoJob and SubmitBatch share: turning an untrusted spec into a new queued job,
 * and announcing stored jobs (job log, live update, worker wake-up).
 */

/** The message of a new job's first log entry. */
const JOB_QUEUED = 'Job queued';

/** One job to create: untrusted spec fields and priority, validated by {@link prepareQueuedJob}. */
export interface QueuedJobRequest {
  readonly ownerId: string;
  readonly spec: VideoSpecInput;
  /** −10..10, higher first; default 0. */
  readonly priority?: number;
  readonly batchId?: string;
}

/**
 * Validates a request with the domain's rules (VideoSpec and priority) and builds the queued job
 * (not stored yet): a new id, `maxAttempts` from settings, created now.
 *
 * @returns the job, or `InvalidVideoSpec` listing every problem with its field path (`topic`,
 *   `rag.topK`, `priority`).
 */
export function prepareQueuedJob(
  deps: {
    readonly clock: Clock;
    readonly ids: IdGenerator;
    readonly settings: { readonly maxAttempts: number };
  },
  input: QueuedJobRequest,
): Result<Job, InvalidVideoSpec> {
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
    return err({ type: 'InvalidVideoSpec', issues });
  }
  return ok(
    createJob({
      id: deps.ids.next(),
      ownerId: input.ownerId,
      spec: spec.value,
      priority,
      maxAttempts: deps.settings.maxAttempts,
      batchId: input.batchId ?? null,
      now: deps.clock.now(),
    }),
  );
}

/**
 * Stores a new queued job with its 'Job queued' log entry in one atomic write, and wakes a
 * worker: in the same commit when the repository carries the work signal
 * (`wakesWorkersOnInsert`), else with one signal after it (a failed signal is logged: workers
 * also poll). Then the live update is published (see `JobActivity.publishCreated`).
 *
 * @returns the stored job; `DatabaseUnavailable` when the write failed (then neither the job nor
 *   its event was stored).
 */
export function storeQueuedJob(
  deps: {
    readonly jobs: JobRepository;
    readonly activity: JobActivity;
    readonly signal: WorkSignal;
    readonly logger: Logger;
  },
  job: Job,
): ResultAsync<Job, DatabaseUnavailable> {
  const event = deps.activity.event(job, 'info', 'lifecycle', JOB_QUEUED, {
    priority: job.priority,
    quality: job.spec.quality,
  });
  return deps.jobs.insertWithEvent(job, event).map(async (stored) => {
    await deps.activity.publishCreated(stored, JOB_QUEUED);
    if (deps.jobs.wakesWorkersOnInsert !== true)
      await deps.signal.notify().catch((error: unknown) => {
        deps.logger.warn({ err: String(error) }, 'work signal failed; workers will poll');
      });
    return stored;
  });
}

/**
 * Announces freshly stored jobs (a batch's): a 'Job queued' event in each job's log (appended
 * concurrently, each followed by its live update), then one work signal. Never throws: a
 * failed append or signal is logged (workers also poll).
 */
export async function announceQueuedJobs(
  deps: { readonly activity: JobActivity; readonly signal: WorkSignal; readonly logger: Logger },
  jobs: readonly Job[],
  data: Record<string, unknown> = {},
): Promise<void> {
  await Promise.all(
    jobs.map((job) =>
      deps.activity.recordCreated(job, JOB_QUEUED, {
        priority: job.priority,
        quality: job.spec.quality,
        ...data,
      }),
    ),
  );
  await deps.signal.notify().catch((error: unknown) => {
    deps.logger.warn({ err: String(error) }, 'work signal failed; workers will poll');
  });
}
