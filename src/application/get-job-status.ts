import { okAsync, type ResultAsync } from 'neverthrow';
import type { Job } from '../domain/job.js';
import type { Principal } from '../domain/principal.js';
import type { DatabaseUnavailable, JobNotFound } from '../ports/errors.js';
import type { JobRepository } from '../ports/job-repository.js';
import { findOwnedJob } from './find-owned-job.js';

export interface JobStatusView {
  readonly job: Job;
  /** 1-based place in the queue while queued, else `null`. */
  readonly queuePosition: number | null;
}

export type GetJobStatusError = JobNotFound | DatabaseUnavailable;

/** The caller's job with its queue position. */
export class GetJobStatus {
  constructor(private readonly deps: { readonly jobs: JobRepository }) {}

  execute(input: { principal: Principal; jobId: string }): ResultAsync<JobStatusView, GetJobStatusError> {
    return findOwnedJob(this.deps.jobs, input.principal, input.jobId).andThen((job) =>
      job.status === 'queued'
        ? this.deps.jobs.queuePosition(job.id).map((queuePosition) => ({ job, queuePosition }))
        : okAsync({ job, queuePosition: null }),
    );
  }
}
