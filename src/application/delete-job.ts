import { errAsync, type ResultAsync } from 'neverthrow';
import type { Principal } from '../domain/principal.js';
import type { AuditLog } from '../ports/audit-log.js';
import type { Cache } from '../ports/cache.js';
import type { Clock } from '../ports/clock.js';
import type {
  DatabaseUnavailable,
  JobNotFound,
  StorageUnavailable,
  VersionConflict,
} from '../ports/errors.js';
import type { JobEventRepository } from '../ports/job-event-repository.js';
import type { JobRepository } from '../ports/job-repository.js';
import type { Logger } from '../ports/logger.js';
import type { ObjectStorage } from '../ports/object-storage.js';
import type { JobProcessing } from './errors.js';
import { findOwnedJob } from './find-owned-job.js';
import { jobStatusCacheKey } from './get-job-status.js';
import { recordAudit } from './record-audit.js';

export type DeleteJobError =
  JobNotFound | JobProcessing | VersionConflict | StorageUnavailable | DatabaseUnavailable;

export interface DeletedJob {
  readonly jobId: string;
  /** Stored objects removed (video, thumbnail, subtitles of every attempt). */
  readonly deletedObjects: number;
}

/**
 * Deletes one of the caller's jobs that is queued or finished: first its stored files (every
 * object under `{storagePrefix}/{ownerId}/{jobId}/`), then the job row (conditional on the
 * version read, so a job claimed meanwhile is kept and `VersionConflict` answered) and its log.
 * Files go first so that a storage outage leaves the job in place to delete again later.
 * A processing job answers `JobProcessing`: cancel it first. Records a `job.deleted` audit row.
 */
export class DeleteJob {
  constructor(
    private readonly deps: {
      readonly jobs: JobRepository;
      readonly events: JobEventRepository;
      readonly storage: ObjectStorage;
      readonly cache: Cache;
      readonly audit: AuditLog;
      readonly clock: Clock;
      readonly logger: Logger;
      readonly settings: { readonly storagePrefix: string };
    },
  ) {}

  execute(input: {
    principal: Principal;
    jobId: string;
    requestId?: string;
  }): ResultAsync<DeletedJob, DeleteJobError> {
    const { jobs, events, storage, cache, audit, clock, logger, settings } = this.deps;
    return findOwnedJob(jobs, input.principal, input.jobId).andThen((job) => {
      if (job.status === 'processing')
        return errAsync<DeletedJob, DeleteJobError>({ type: 'JobProcessing', jobId: job.id });
      const prefix = `${settings.storagePrefix}/${job.ownerId}/${job.id}/`;
      return storage
        .deletePrefix(prefix)
        .andThen((deletedObjects) => jobs.delete(job.id, job.version).map(() => deletedObjects))
        .map(async (deletedObjects) => {
          const removed = await events.deleteForJob(job.id);
          if (removed.isErr())
            logger.warn({ jobId: job.id, err: removed.error.message }, 'job log not deleted');
          await cache.delete(jobStatusCacheKey(job.id));
          await recordAudit(audit, logger, {
            actorId: input.principal.userId,
            action: 'job.deleted',
            targetType: 'job',
            targetId: job.id,
            detail: { ownerId: job.ownerId, status: job.status, deletedObjects },
            at: clock.now(),
            ...(input.requestId !== undefined ? { requestId: input.requestId } : {}),
          });
          return { jobId: job.id, deletedObjects };
        });
    });
  }
}
