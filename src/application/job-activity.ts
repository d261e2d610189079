import type { Job, Stage } from '../domain/job.js';
import type { JobEvent, JobEventLevel } from '../domain/job-event.js';
import type { Cache } from '../ports/cache.js';
import type { Clock } from '../ports/clock.js';
import type { IdGenerator } from '../ports/id-generator.js';
import type { JobEventRepository } from '../ports/job-event-repository.js';
import type { JobEvents, JobUpdate } from '../ports/job-events.js';
import type { Logger } from '../ports/logger.js';
import { jobStatusCacheKey } from './get-job-status.js';

/**
 * Records what happens to a job: appends a JobEvent to its persistent log and publishes a live
 * JobUpdate to its watchers. Failures here are logged, never thrown: losing a log line or a live
 * update must not fail the job (watchers re-read the job's state).
 */
export class JobActivity {
  constructor(
    private readonly deps: {
      readonly events: JobEventRepository;
      readonly live: JobEvents;
      readonly ids: IdGenerator;
      readonly clock: Clock;
      readonly logger: Logger;
      /** Cached status views are deleted here, on every change of their job. */
      readonly cache?: Cache;
    },
  ) {}

  /**
   * A new entry of the job's log (a fresh id, now), not stored: for a caller that stores it with
   * the job itself (`JobRepository.insertWithEvent`).
   */
  event(
    job: Job,
    level: JobEventLevel,
    stage: Stage | 'lifecycle',
    message: string,
    data: Record<string, unknown> = {},
  ): JobEvent {
    return {
      id: this.deps.ids.next(),
      jobId: job.id,
      at: this.deps.clock.now(),
      level,
      stage,
      message,
      data,
    };
  }

  /** Appends an event to the job's log and publishes the job's current state with `message`. */
  async record(
    job: Job,
    level: JobEventLevel,
    stage: Stage | 'lifecycle',
    message: string,
    data: Record<string, unknown> = {},
  ): Promise<void> {
    const appended = await this.deps.events.append(this.event(job, level, stage, message, data));
    if (appended.isErr())
      this.deps.logger.warn({ jobId: job.id, err: appended.error.message }, 'job event not recorded');
    await this.publish(job, message);
  }

  /**
   * Appends the first event of a just-created job's log, then publishes its state as
   * {@link publishCreated} does. A failed append is logged, never thrown.
   */
  async recordCreated(job: Job, message: string, data: Record<string, unknown> = {}): Promise<void> {
    const appended = await this.deps.events.append(this.event(job, 'info', 'lifecycle', message, data));
    if (appended.isErr())
      this.deps.logger.warn({ jobId: job.id, err: appended.error.message }, 'job event not recorded');
    await this.publishCreated(job, message);
  }

  /**
   * Publishes a just-created job's first state to live watchers. Unlike {@link publish} it deletes
   * no cached status: a job that was never stored before has none. Awaited, so the update is out
   * before the job is answered (a watcher that subscribes afterwards never receives it late and
   * out of order). A failure is logged.
   */
  async publishCreated(job: Job, message: string): Promise<void> {
    try {
      await this.deps.live.publish(toUpdate(job, this.deps.clock.now(), message));
    } catch (error) {
      this.deps.logger.warn({ jobId: job.id, err: String(error) }, 'job update not published');
    }
  }

  /** Publishes the job's current state to live watchers only (and invalidates its cached status). */
  async publish(job: Job, message?: string): Promise<void> {
    if (this.deps.cache) await this.deps.cache.delete(jobStatusCacheKey(job.id));
    try {
      await this.deps.live.publish(toUpdate(job, this.deps.clock.now(), message));
    } catch (error) {
      this.deps.logger.warn({ jobId: job.id, err: String(error) }, 'job update not published');
    }
  }
}

/** The live-update view of a job. */
export function toUpdate(job: Job, at: Date, message?: string): JobUpdate {
  return {
    jobId: job.id,
    ownerId: job.ownerId,
    status: job.status,
    progress: job.progress,
    attempts: job.attempts,
    error: job.error,
    at: at.toISOString(),
    ...(message !== undefined ? { message } : {}),
  };
}
