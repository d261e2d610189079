import { err, ok, ResultAsync, type Result } from 'neverthrow';
import { claimJob, expireLease, JOB_STATUSES, renewLease, type Job } from '../../domain/job.js';
import type { Clock } from '../../ports/clock.js';
import type { DatabaseUnavailable, JobNotFound, VersionConflict } from '../../ports/errors.js';
import type { JobCounts, JobRepository, LeaseRenewal } from '../../ports/job-repository.js';

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

/** Claim order: priority high to low, then oldest runAt, createdAt, and id as the last tie-breaker. */
function byClaimOrder(a: Job, b: Job): number {
  return (
    b.priority - a.priority ||
    a.runAt.getTime() - b.runAt.getTime() ||
    a.createdAt.getTime() - b.createdAt.getTime() ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/**
 * {@link JobRepository} in memory, for unit tests and single-process use, held to the same
 * contract as the SQL adapter. Transitions are the domain's (`claimJob`, `renewLease`,
 * `expireLease`), timed by the injected {@link Clock} (the store's clock). Each call runs
 * atomically; jobs are copied in and out.
 */
export class InMemoryJobRepository implements JobRepository {
  private readonly jobs = new Map<string, Job>();

  constructor(private readonly clock: Clock) {}

  /** @throws Error (the ResultAsync rejects) when a job with this id exists: ids are unique. */
  insert(job: Job): ResultAsync<Job, DatabaseUnavailable> {
    return later(() => {
      if (this.jobs.has(job.id)) throw new Error(`duplicate job id ${job.id}`);
      this.jobs.set(job.id, copy(job));
      return ok(copy(job));
    });
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

  ping(): ResultAsync<void, DatabaseUnavailable> {
    return later(() => ok(undefined));
  }

  /** Queued jobs whose runAt has come, in claim order. */
  private runnable(now: Date): Job[] {
    return [...this.jobs.values()]
      .filter((job) => job.status === 'queued' && job.runAt.getTime() <= now.getTime())
      .sort(byClaimOrder);
  }
}
