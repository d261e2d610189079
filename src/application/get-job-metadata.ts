import { okAsync, type ResultAsync } from 'neverthrow';
import { PIPELINE_STAGES, type Job, type Stage } from '../domain/job.js';
import type { JobEvent } from '../domain/job-event.js';
import type { Principal } from '../domain/principal.js';
import type { DatabaseUnavailable, JobNotFound } from '../ports/errors.js';
import type { JobEventRepository } from '../ports/job-event-repository.js';
import type { JobRepository } from '../ports/job-repository.js';
import type { WebhookDeliveryRepository } from '../ports/webhook-delivery-repository.js';
import type { WebhookDelivery } from '../domain/webhook-delivery.js';
import { findOwnedJob } from './find-owned-job.js';

/** How many log entries the metadata view summarises. */
const EVENT_LIMIT = 500;

export interface StageTiming {
  readonly stage: Stage;
  readonly attempt: number;
  readonly startedAt: Date;
  /** Wall time in seconds; `null` while the stage runs. */
  readonly seconds: number | null;
}

export interface JobMetadata {
  readonly job: Job;
  /** Stage timings of every attempt, in order, derived from the job's log. */
  readonly timings: readonly StageTiming[];
  readonly events: {
    readonly total: number;
    readonly byLevel: Readonly<Record<string, number>>;
    /** The last entries, oldest first. */
    readonly recent: readonly JobEvent[];
  };
  /** Deliveries of the job's webhook events (`callbackUrl`), oldest first; empty without a callback. */
  readonly webhooks: readonly WebhookDelivery[];
}

/** Full metadata of the caller's job: spec, result (ffprobe facts), attempts, stage timings, log summary. */
export class GetJobMetadata {
  constructor(
    private readonly deps: {
      readonly jobs: JobRepository;
      readonly events: JobEventRepository;
      /** The webhook outbox; without it `webhooks` is always empty. */
      readonly webhooks?: WebhookDeliveryRepository;
    },
  ) {}

  execute(input: {
    principal: Principal;
    jobId: string;
  }): ResultAsync<JobMetadata, JobNotFound | DatabaseUnavailable> {
    return findOwnedJob(this.deps.jobs, input.principal, input.jobId).andThen((job) =>
      this.deps.events
        .list(job.id, { limit: EVENT_LIMIT })
        .mapErr((e) => {
          // No cursor is passed, so the store cannot refuse one: anything else is a bug.
          if (e.type === 'InvalidCursor') throw new Error('event log refused a first page');
          return e;
        })
        .andThen((page) =>
          (this.deps.webhooks?.listForJob(job.id) ?? okAsync([])).map((webhooks) => {
            const byLevel: Record<string, number> = {};
            for (const e of page.items) byLevel[e.level] = (byLevel[e.level] ?? 0) + 1;
            return {
              job,
              timings: stageTimings(page.items, job),
              events: { total: page.items.length, byLevel, recent: page.items.slice(-20) },
              webhooks,
            };
          }),
        ),
    );
  }
}

/**
 * Stage timings from the log: each `stage started` event opens a stage, which lasts until the
 * next stage or lifecycle event of the same attempt (or the job's end).
 */
export function stageTimings(events: readonly JobEvent[], job: Job): StageTiming[] {
  const timings: StageTiming[] = [];
  let open: { stage: Stage; attempt: number; startedAt: Date } | null = null;
  const close = (at: Date | null): void => {
    if (open === null) return;
    timings.push({
      ...open,
      seconds: at === null ? null : Math.max(0, (at.getTime() - open.startedAt.getTime()) / 1000),
    });
    open = null;
  };
  for (const e of events) {
    const attempt = typeof e.data['attempt'] === 'number' ? e.data['attempt'] : 0;
    if (e.data['event'] === 'stage-started' && PIPELINE_STAGES.includes(e.stage as Stage)) {
      close(e.at);
      open = { stage: e.stage as Stage, attempt, startedAt: e.at };
    } else if (e.stage === 'lifecycle' && open !== null) {
      close(e.at);
    }
  }
  close(job.finishedAt ?? (job.status === 'processing' ? null : job.updatedAt));
  return timings;
}
