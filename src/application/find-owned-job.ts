import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import type { Job } from '../domain/job.js';
import { owns, type Principal } from '../domain/principal.js';
import type { DatabaseUnavailable, JobNotFound } from '../ports/errors.js';
import type { JobRepository } from '../ports/job-repository.js';

/**
 * The job `jobId` if `principal` owns it. Another user's job answers `JobNotFound`, exactly like
 * a missing one, so ids cannot be probed.
 */
export function findOwnedJob(
  jobs: JobRepository,
  principal: Principal,
  jobId: string,
): ResultAsync<Job, JobNotFound | DatabaseUnavailable> {
  return jobs
    .findById(jobId)
    .andThen((job) =>
      owns(principal, job.ownerId) ? okAsync(job) : errAsync({ type: 'JobNotFound' as const, jobId }),
    );
}
