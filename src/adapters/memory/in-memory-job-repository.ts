import { err, ok, ResultAsync, type Result } from 'neverthrow';
import {
  claimJob,
  expireLease,
  finishAttempt,
  JOB_STATUSES,
  renewLease,
  type Job,
} from '../../domain/job.js';
import type { JobEvent } from '../../domain/job-event.js';
import type { Clock } from '../../ports/clock.js';
import {
  invalidCursor,
  type DatabaseUnavailable,
  type InvalidCursor,
  type JobNotFound,
  type VersionConflict,
} from '../../ports/errors.js';
import {
  JOB_LIST_MAX_LIMIT,
  type JobCompletion,
  type JobCompletionOutcome,
  type JobCounts,
  type JobListQuery,
  type JobPage,
  type JobRepository,
  type LeaseRenewal,
  type OwnerJobStats,
  type QueueSnapshot,
  type ThroughputStats,
} from '../../ports/job-repository.js';
import type { JobEventRepository } from '../../ports/job-event-repository.js';
import { decodeKeysetCursor, encodeKeysetCursor } from '../cursor/keyset-cursor.js';

/** Runs `step` on a later microtask; a throw (programmer error) rejects, as a database adapter's would. */
const later = <T, E>(step: () => Result<T, E>): ResultAsync<T, E> =>
  new ResultAsync(Promise.resolve().then(step));

/** The value of a transition that cannot fail here (its precondition was just checked). */
function applied<T>(result: Result<T, { type: string }>): T {
  if (result.isErr()) throw new Error(`job transition refused unexpectedly: ${result.error.type}`);
  return result.value;
}

/** A deep copy, so neither the caller nor the store can change the other's job (the spec is frozen). */
const copy = (job: Job): Job => ({
  ...job,
  runAt: new Date(job.runAt),
  lease:
    job.lease === null ? null : { workerId: job.lease.workerId, expiresAt: new Date(job.lease.expiresAt) },
  progress: { ...job.progress },
  cancelRequestedAt: job.cancelRequestedAt === null ? null : new Date(job.cancelRequestedAt),
  error: job.error === null ? null : { ...job.error },
  result: job.result === null ? null : { ...job.result },
  createdAt: new Date(job.createdAt),
  startedAt: job.startedAt === null ? null : new Date(job.startedAt),
  finishedAt: job.finishedAt === null ? null : new Date(job.finishedAt),
  updatedAt: new Date(job.updatedAt),
});

/** @throws Error when a job id appears twice in one batch (programmer error). */
function assertDistinctJobs(completions: readonly JobCompletion[]): void {
  const seen = new Set<string>();
  for (const { jobId } of completions) {
    if (seen.has(jobId)) throw new Error(`completeMany: job ${jobId} appears twice in one batch`);
    seen.add(jobId);
  }
}

/** Claim order: priority high to low, then oldest runAt, createdAt, and id as the last tie-breaker. */
function byClaimOrder(a: Job, b: Job): number {
  return (
    b.priority - a.priority ||
    a.runAt.getTime() - b.runAt.getTime() ||
    a.createdAt.getTime() - b.createdAt.getTime() ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/** Listing order: createdAt, then id (byte order, as the SQL adapter's `COLLATE "C"`). */
function byCreation(a: { createdAt: Date; id: string }, b: { createdAt: Date; id: string }): number {
  return a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

const clampListLimit = (limit: number): number =>
  Math.min(JOB_LIST_MAX_LIMIT, Math.max(1, Number.isFinite(limit) ? Math.floor(limit) : 1));

/** PostgreSQL's `percentile_cont(p)` over ascending `sorted` values (linear interpolation); `null` when empty. */
function percentileCont(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const position = p * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const lo = sorted[lower] ?? 0;
  const hi = sorted[upper] ?? lo;
  return lo + (hi - lo) * (position - lower);
}

/**
 * {@link JobRepository} in memory, for unit tests and single-process use, held to the same
 * contract as the SQL adapter. Transitions are the domain's (`claimJob`, `renewLease`,
 * `expireLease`), timed by the injected {@link Clock} (the store's clock). Each call runs
 * atomically; jobs are copied in and out.
 */
export class InMemoryJobRepository implements JobRepository {
  private readonly jobs = new Map<string, Job>();

  /**
   * @param clock the store's clock (leases, queue order).
   * @param options.events the job log that {@link insertWithEvent} appends first events to (the
   *   same store the application reads logs from); without it `insertWithEvent` rejects.
   */
  constructor(
    private readonly clock: Clock,
    private readonly options: { readonly events?: JobEventRepository } = {},
  ) {}

  /** @throws Error (the ResultAsync rejects) when a job with this id exists: ids are unique. */
  insert(job: Job): ResultAsync<Job, DatabaseUnavailable> {
    return later(() => {
      if (this.jobs.has(job.id)) throw new Error(`duplicate job id ${job.id}`);
      this.jobs.set(job.id, copy(job));
      return ok(copy(job));
    });
  }

  /**
   * Stores the job, then appends the event to the attached log; when the append fails (or
   * rejects) the job is removed again, so both are stored or neither.
   * @throws Error (the ResultAsync rejects) without an attached log, for an event of another job,
   *   or a duplicate id.
   */
  insertWithEvent(job: Job, event: JobEvent): ResultAsync<Job, DatabaseUnavailable> {
    const log = this.options.events;
    const run = async (): Promise<Result<Job, DatabaseUnavailable>> => {
      if (log === undefined)
        throw new Error('InMemoryJobRepository: no job event log attached (options.events)');
      if (event.jobId !== job.id)
        throw new Error(`event ${event.id} belongs to job ${event.jobId}, not ${job.id}`);
      const stored = await this.insert(job);
      if (stored.isErr()) return stored;
      try {
        const appended = await log.append(event);
        if (appended.isErr()) {
          this.jobs.delete(job.id);
          return err(appended.error);
        }
      } catch (error) {
        this.jobs.delete(job.id);
        throw error;
      }
      return stored;
    };
    return new ResultAsync(run());
  }

  findById(jobId: string): ResultAsync<Job, JobNotFound | DatabaseUnavailable> {
    return later(() => {
      const job = this.jobs.get(jobId);
      return job === undefined ? err({ type: 'JobNotFound' as const, jobId }) : ok(copy(job));
    });
  }

  update(job: Job): ResultAsync<Job, JobNotFound | VersionConflict | DatabaseUnavailable> {
    return later((): Result<Job, JobNotFound | VersionConflict> => {
      const stored = this.jobs.get(job.id);
      if (stored === undefined) return err({ type: 'JobNotFound', jobId: job.id });
      if (stored.version !== job.version - 1)
        return err({ type: 'VersionConflict', id: job.id, expectedVersion: job.version - 1 });
      this.jobs.set(job.id, copy(job));
      return ok(copy(job));
    });
  }

  claim(workerId: string, leaseMs: number, limit: number): ResultAsync<Job[], DatabaseUnavailable> {
    return later(() => {
      const now = this.clock.now();
      const claimed = this.runnable(now)
        .slice(0, Math.max(0, Math.floor(limit)))
        .map((job) => applied(claimJob(job, { workerId, leaseMs, now })));
      for (const job of claimed) this.jobs.set(job.id, job);
      return ok(claimed.map(copy));
    });
  }

  /** @throws Error (the ResultAsync rejects) when a job id appears twice: nothing is written. */
  completeMany(
    completions: readonly JobCompletion[],
  ): ResultAsync<JobCompletionOutcome[], DatabaseUnavailable> {
    return later(() => {
      assertDistinctJobs(completions);
      const now = this.clock.now();
      return ok(
        completions.map(({ jobId, attempt, result }): JobCompletionOutcome => {
          const stored = this.jobs.get(jobId);
          const finished =
            stored === undefined ? null : finishAttempt(stored, { attempt, result: { ...result }, now });
          if (finished === null || finished.isErr()) return { jobId, attempt, outcome: 'lease-lost' };
          this.jobs.set(jobId, finished.value);
          return {
            jobId,
            attempt,
            outcome: finished.value.status === 'cancelled' ? 'cancelled' : 'completed',
          };
        }),
      );
    });
  }

  renewLease(
    jobId: string,
    attempt: number,
    leaseMs: number,
  ): ResultAsync<LeaseRenewal | null, DatabaseUnavailable> {
    return later(() => {
      const stored = this.jobs.get(jobId);
      if (stored === undefined) return ok(null);
      const renewed = renewLease(stored, { attempt, leaseMs, now: this.clock.now() });
      if (renewed.isErr() || renewed.value.lease === null) return ok(null);
      this.jobs.set(jobId, renewed.value);
      return ok({
        expiresAt: new Date(renewed.value.lease.expiresAt),
        cancelRequested: renewed.value.cancelRequestedAt !== null,
      });
    });
  }

  recoverExpiredLeases(): ResultAsync<Job[], DatabaseUnavailable> {
    return later(() => {
      const now = this.clock.now();
      const recovered: Job[] = [];
      for (const job of this.jobs.values()) {
        if (job.status !== 'processing' || job.lease === null || job.lease.expiresAt > now) continue;
        const expired = applied(expireLease(job, now));
        this.jobs.set(job.id, expired);
        recovered.push(expired);
      }
      return ok(recovered.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map(copy));
    });
  }

  msUntilNextLeaseExpiry(): ResultAsync<number | null, DatabaseUnavailable> {
    return later(() => {
      const now = this.clock.now().getTime();
      let earliest: number | null = null;
      for (const job of this.jobs.values()) {
        if (job.status !== 'processing' || job.lease === null) continue;
        const at = job.lease.expiresAt.getTime();
        if (earliest === null || at < earliest) earliest = at;
      }
      return ok(earliest === null ? null : Math.max(0, earliest - now));
    });
  }

  queuePosition(jobId: string): ResultAsync<number | null, DatabaseUnavailable> {
    return later(() => {
      const job = this.jobs.get(jobId);
      if (job === undefined || job.status !== 'queued') return ok(null);
      const ahead = this.runnable(this.clock.now()).filter(
        (other) => other.id !== job.id && byClaimOrder(other, job) < 0,
      ).length;
      return ok(ahead + 1);
    });
  }

  countByStatus(): ResultAsync<JobCounts, DatabaseUnavailable> {
    return later(() => {
      const counts = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as JobCounts;
      for (const job of this.jobs.values()) counts[job.status] += 1;
      return ok(counts);
    });
  }

  list(query: JobListQuery): ResultAsync<JobPage, InvalidCursor | DatabaseUnavailable> {
    return later((): Result<JobPage, InvalidCursor> => {
      const after = query.cursor === undefined ? null : decodeKeysetCursor(query.cursor, query.sort);
      if (query.cursor !== undefined && after === null) return err(invalidCursor(query.cursor));
      const limit = clampListLimit(query.limit);
      const direction = query.sort === 'asc' ? 1 : -1;
      const statuses = query.statuses ?? [];
      const rest = [...this.jobs.values()]
        .filter(
          (job) =>
            (query.ownerId === null || job.ownerId === query.ownerId) &&
            (statuses.length === 0 || statuses.includes(job.status)) &&
            (query.batchId === undefined || job.batchId === query.batchId) &&
            (query.createdAfter === undefined || job.createdAt.getTime() >= query.createdAfter.getTime()) &&
            (query.createdBefore === undefined || job.createdAt.getTime() < query.createdBefore.getTime()) &&
            (after === null || direction * byCreation(job, { createdAt: after.at, id: after.id }) > 0),
        )
        .sort((a, b) => direction * byCreation(a, b));
      const items = rest.slice(0, limit).map(copy);
      const last = items[items.length - 1];
      return ok({
        items,
        nextCursor:
          rest.length > limit && last !== undefined
            ? encodeKeysetCursor({ sort: query.sort, at: last.createdAt, id: last.id })
            : null,
      });
    });
  }

  delete(
    jobId: string,
    expectedVersion: number,
  ): ResultAsync<void, JobNotFound | VersionConflict | DatabaseUnavailable> {
    return later((): Result<void, JobNotFound | VersionConflict> => {
      const stored = this.jobs.get(jobId);
      if (stored === undefined) return err({ type: 'JobNotFound', jobId });
      if (stored.version !== expectedVersion)
        return err({ type: 'VersionConflict', id: jobId, expectedVersion });
      this.jobs.delete(jobId);
      return ok(undefined);
    });
  }

  statsForOwner(ownerId: string, since: Date): ResultAsync<OwnerJobStats, DatabaseUnavailable> {
    return later(() => {
      const counts = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as JobCounts;
      let total = 0;
      let completedSince = 0;
      let storedBytes = 0;
      const seconds: number[] = [];
      for (const job of this.jobs.values()) {
        if (job.ownerId !== ownerId) continue;
        counts[job.status] += 1;
        total += 1;
        if (job.status !== 'completed') continue;
        if (job.finishedAt !== null && job.finishedAt.getTime() >= since.getTime()) completedSince += 1;
        if (job.finishedAt !== null && job.startedAt !== null)
          seconds.push((job.finishedAt.getTime() - job.startedAt.getTime()) / 1000);
        storedBytes += job.result?.sizeBytes ?? 0;
      }
      seconds.sort((a, b) => a - b);
      return ok({
        counts,
        total,
        completedSince,
        averageProcessingSeconds:
          seconds.length === 0 ? null : seconds.reduce((sum, s) => sum + s, 0) / seconds.length,
        p95ProcessingSeconds: percentileCont(seconds, 0.95),
        storedBytes,
      });
    });
  }

  throughputStats(windowMs: number): ResultAsync<ThroughputStats, DatabaseUnavailable> {
    return later(() => {
      const asOf = this.clock.now();
      const from = asOf.getTime() - windowMs;
      const finished = { completed: 0, failed: 0, cancelled: 0 };
      const seconds: number[] = [];
      for (const job of this.jobs.values()) {
        const at = job.finishedAt?.getTime();
        if (at === undefined || at <= from || at > asOf.getTime()) continue;
        if (job.status !== 'completed' && job.status !== 'failed' && job.status !== 'cancelled') continue;
        finished[job.status] += 1;
        if (job.status === 'completed' && job.startedAt !== null)
          seconds.push((at - job.startedAt.getTime()) / 1000);
      }
      seconds.sort((a, b) => a - b);
      return ok({
        asOf,
        windowMs,
        finished,
        processingSeconds: {
          p50: percentileCont(seconds, 0.5),
          p95: percentileCont(seconds, 0.95),
          mean: seconds.length === 0 ? null : seconds.reduce((sum, s) => sum + s, 0) / seconds.length,
          max: seconds.length === 0 ? null : (seconds[seconds.length - 1] ?? null),
        },
      });
    });
  }

  queueSnapshot(runningLimit: number): ResultAsync<QueueSnapshot, DatabaseUnavailable> {
    return later(() => {
      const asOf = this.clock.now();
      const counts = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as JobCounts;
      let runnable = 0;
      let oldest: Date | null = null;
      const processing: Job[] = [];
      const workers = new Set<string>();
      for (const job of this.jobs.values()) {
        counts[job.status] += 1;
        if (job.status === 'queued') {
          if (job.runAt.getTime() <= asOf.getTime()) runnable += 1;
          if (oldest === null || job.createdAt < oldest) oldest = job.createdAt;
        } else if (job.status === 'processing') {
          processing.push(job);
          if (job.lease !== null) workers.add(job.lease.workerId);
        }
      }
      const byStart = (a: Job, b: Job): number =>
        (a.startedAt?.getTime() ?? 0) - (b.startedAt?.getTime() ?? 0) ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
      return ok({
        asOf,
        counts,
        runnable,
        delayed: counts.queued - runnable,
        oldestQueuedAt: oldest === null ? null : new Date(oldest),
        running: processing
          .sort(byStart)
          .slice(0, Math.max(0, Math.floor(runningLimit)))
          .map((job) => ({
            jobId: job.id,
            ownerId: job.ownerId,
            attempt: job.attempts,
            workerId: job.lease?.workerId ?? null,
            leaseExpiresAt: job.lease === null ? null : new Date(job.lease.expiresAt),
            stage: job.progress.stage,
            percent: job.progress.percent,
            startedAt: job.startedAt === null ? null : new Date(job.startedAt),
          })),
        activeWorkers: [...workers].sort(),
      });
    });
  }

  ping(): ResultAsync<void, DatabaseUnavailable> {
    return later(() => ok(undefined));
  }

  /** Copies of every stored job, for sibling in-memory adapters that query across tables (webhook outbox). */
  snapshot(): Job[] {
    return [...this.jobs.values()].map(copy);
  }

  /** Queued jobs whose runAt has come, in claim order. */
  private runnable(now: Date): Job[] {
    return [...this.jobs.values()]
      .filter((job) => job.status === 'queued' && job.runAt.getTime() <= now.getTime())
      .sort(byClaimOrder);
  }
}
