import { errAsync, ResultAsync } from 'neverthrow';
import { isTerminal, type Job } from '../domain/job.js';
import type { Principal } from '../domain/principal.js';
import type { DatabaseUnavailable, JobNotFound } from '../ports/errors.js';
import type { JobEvents, JobUpdate } from '../ports/job-events.js';
import type { JobRepository } from '../ports/job-repository.js';
import { findOwnedJob } from './find-owned-job.js';
import { toUpdate } from './job-activity.js';

export interface JobWatch {
  /** The job's state when watching began (sent to the client first). */
  readonly current: JobUpdate;
  /** True when the job had already ended: no further updates will come. */
  readonly finished: boolean;
  /** Stops delivering updates; idempotent. */
  stop(): Promise<void>;
}

/**
 * Live progress of the caller's job (SSE, WebSocket): the current state first, then every update
 * published for the job, in order, from any process (through the JobEvents port). Updates older
 * than the current state are dropped, so a client never sees progress go back.
 */
export class WatchJob {
  constructor(
    private readonly deps: {
      readonly jobs: JobRepository;
      readonly live: JobEvents;
      /**
       * Backstop period in ms: the stored job is re-read this often and delivered when it changed,
       * so a watcher still sees progress when live updates are lost (Redis down or restarting).
       * Default 2,000; 0 disables.
       */
      readonly pollIntervalMs?: number;
    },
  ) {}

  /** @param onUpdate called for each later update; the last one of a finished job has a terminal status. */
  execute(input: {
    principal: Principal;
    jobId: string;
    onUpdate: (update: JobUpdate) => void;
  }): ResultAsync<JobWatch, JobNotFound | DatabaseUnavailable> {
    let buffered: JobUpdate[] | null = [];
    let since = '';
    let stopped = false;
    const deliver = (update: JobUpdate): void => {
      if (stopped) return;
      if (buffered !== null) {
        buffered.push(update);
        return;
      }
      if (update.at < since) return;
      since = update.at;
      input.onUpdate(update);
    };
    // Subscribe before reading, so nothing published in between is lost.
    const subscribed = ResultAsync.fromSafePromise(
      this.deps.live.subscribe(input.jobId, (u) => {
        if (u.jobId === input.jobId) deliver(u);
      }),
    );
    let poll: NodeJS.Timeout | undefined;
    return subscribed.andThen((unsubscribe) => {
      const stop = async (): Promise<void> => {
        if (stopped) return;
        stopped = true;
        clearInterval(poll);
        await unsubscribe();
      };
      return findOwnedJob(this.deps.jobs, input.principal, input.jobId)
        .orElse((e) => ResultAsync.fromSafePromise(stop()).andThen(() => errAsync(e)))
        .map((job: Job) => {
          const current = toUpdate(job, job.updatedAt);
          since = current.at;
          const early = buffered ?? [];
          buffered = null;
          for (const u of early) deliver(u);
          const finished = isTerminal(job.status);
          const pollMs = this.deps.pollIntervalMs ?? 2000;
          if (!finished && pollMs > 0) {
            poll = setInterval(() => {
              void this.deps.jobs.findById(input.jobId).map((latest) => {
                const update = toUpdate(latest, latest.updatedAt);
                if (update.at > since) deliver(update);
              });
            }, pollMs);
            poll.unref();
          }
          return { current, finished, stop };
        });
    });
  }
}
