import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import {
  checkBatchSize,
  createBatch,
  parseBatchName,
  summarizeBatch,
  type BatchTooLarge,
  type InvalidBatch,
} from '../domain/batch.js';
import type { FieldIssue } from '../domain/errors.js';
import type { Job } from '../domain/job.js';
import type { VideoSpecInput } from '../domain/video-spec.js';
import type { BatchRepository } from '../ports/batch-repository.js';
import type { Clock } from '../ports/clock.js';
import type { DatabaseUnavailable } from '../ports/errors.js';
import type { IdGenerator } from '../ports/id-generator.js';
import type { Logger } from '../ports/logger.js';
import type { WorkSignal } from '../ports/work-signal.js';
import type { BatchView } from './find-owned-batch.js';
import type { JobActivity } from './job-activity.js';
import type { PrepareVideoSpec } from './prepare-video-spec.js';
import { announceQueuedJobs, prepareQueuedJob } from './queued-job.js';

/** One spec of a batch request: VideoSpec fields plus an optional priority (untrusted). */
export type BatchJobInput = VideoSpecInput & { readonly priority?: number | undefined };

export interface SubmitBatchInput {
  readonly ownerId: string;
  /** Untrusted specs, validated here by the domain; one job each, in this order. */
  readonly jobs: readonly BatchJobInput[];
  readonly name?: string | null;
}

export type SubmitBatchError = InvalidBatch | BatchTooLarge | DatabaseUnavailable;

/**
 * Queues several independent jobs as one batch. Every spec is validated before anything is
 * stored: one invalid spec refuses the whole batch, with paths such as `jobs.3.topic`. The batch
 * and its queued jobs are stored atomically, then workers are woken. Each job then runs on its
 * own: one job's failure leaves the others running.
 */
export class SubmitBatch {
  constructor(
    private readonly deps: {
      readonly batches: BatchRepository;
      readonly activity: JobActivity;
      readonly signal: WorkSignal;
      readonly clock: Clock;
      readonly ids: IdGenerator;
      readonly logger: Logger;
      readonly settings: { readonly maxAttempts: number; readonly maxJobsPerBatch: number };
      /** Merges configurations and preferences under each spec and checks its uploads (as for one job). */
      readonly prepareSpec?: PrepareVideoSpec;
    },
  ) {}

  /**
   * @returns the stored batch with its counts (every job queued); `BatchTooLarge` above
   *   `maxJobsPerBatch` specs; `InvalidBatch` listing every problem (`jobs`, `name`,
   *   `jobs.<index>.<field>`); or `DatabaseUnavailable`.
   */
  execute(input: SubmitBatchInput): ResultAsync<BatchView, SubmitBatchError> {
    const { maxJobsPerBatch } = this.deps.settings;
    const size = checkBatchSize(input.jobs.length, maxJobsPerBatch);
    if (size.isErr()) return errAsync(size.error);

    return this.prepareAll(input).andThen((prepared) => this.create(input, prepared));
  }

  /** Each spec with its configuration and preferences merged in; upload problems as `jobs.<i>.<path>`. */
  private prepareAll(input: SubmitBatchInput): ResultAsync<readonly BatchJobInput[], SubmitBatchError> {
    const prepare = this.deps.prepareSpec;
    if (prepare === undefined) return okAsync(input.jobs);
    return ResultAsync.combine(
      input.jobs.map((spec, index) => {
        const { priority, ...fields } = spec;
        return prepare
          .execute(input.ownerId, fields)
          .map((merged): BatchJobInput | FieldIssue[] => ({
            ...merged,
            ...(priority !== undefined ? { priority } : {}),
          }))
          .orElse((e) =>
            e.type === 'DatabaseUnavailable'
              ? errAsync(e)
              : okAsync<BatchJobInput | FieldIssue[], DatabaseUnavailable>(
                  e.issues.map((i) => ({ path: `jobs.${index}.${i.path}`, message: i.message })),
                ),
          );
      }),
    ).andThen((results) => {
      const issues = results.filter((r): r is FieldIssue[] => Array.isArray(r)).flat();
      if (issues.length > 0)
        return errAsync<readonly BatchJobInput[], SubmitBatchError>({ type: 'InvalidBatch', issues });
      return okAsync(results as BatchJobInput[]);
    });
  }

  private create(
    input: SubmitBatchInput,
    specs: readonly BatchJobInput[],
  ): ResultAsync<BatchView, SubmitBatchError> {
    const { maxJobsPerBatch } = this.deps.settings;
    const name = parseBatchName(input.name);
    const issues: FieldIssue[] = name.isErr() ? [name.error] : [];
    const batchId = this.deps.ids.next();
    const jobs: Job[] = [];
    specs.forEach((spec, index) => {
      const { priority, ...fields } = spec;
      const job = prepareQueuedJob(this.deps, {
        ownerId: input.ownerId,
        spec: fields,
        ...(priority !== undefined ? { priority } : {}),
        batchId,
      });
      if (job.isErr())
        issues.push(
          ...job.error.issues.map((i) => ({ path: `jobs.${index}.${i.path}`, message: i.message })),
        );
      else jobs.push(job.value);
    });
    if (issues.length > 0) return errAsync({ type: 'InvalidBatch', issues });
    const batch = createBatch({
      id: batchId,
      ownerId: input.ownerId,
      name: input.name,
      jobIds: jobs.map((j) => j.id),
      maxJobs: maxJobsPerBatch,
      now: this.deps.clock.now(),
    });
    if (batch.isErr()) return errAsync(batch.error);

    return this.deps.batches.insert(batch.value, jobs).map(async (stored) => {
      await announceQueuedJobs(this.deps, jobs, { batchId: stored.id });
      this.deps.logger.info({ batchId: stored.id, jobs: jobs.length }, 'batch queued');
      return {
        batch: stored,
        summary: summarizeBatch([{ status: 'queued', count: jobs.length, percentSum: 0 }]),
      };
    });
  }
}
