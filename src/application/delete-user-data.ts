import { errAsync, ResultAsync } from 'neverthrow';
import type { Job } from '../domain/job.js';
import { isAdmin, type Principal } from '../domain/principal.js';
import type { AuditLog } from '../ports/audit-log.js';
import type { BatchRepository } from '../ports/batch-repository.js';
import type { Clock } from '../ports/clock.js';
import type { ConfigurationRepository } from '../ports/configuration-repository.js';
import type { DatabaseUnavailable, StorageUnavailable } from '../ports/errors.js';
import type { JobEventRepository } from '../ports/job-event-repository.js';
import type { JobRepository } from '../ports/job-repository.js';
import type { Logger } from '../ports/logger.js';
import type { ObjectStorage } from '../ports/object-storage.js';
import type { UploadRepository } from '../ports/upload-repository.js';
import type { Forbidden } from './errors.js';
import { recordAudit } from './record-audit.js';

export type DeleteUserDataError = Forbidden | StorageUnavailable | DatabaseUnavailable;

/** What was deleted. */
export interface DeletedUserData {
  readonly userId: string;
  readonly deletedJobs: number;
  /** Stored objects under `{prefix}/{userId}/` (job files of every attempt, uploaded files). */
  readonly deletedObjects: number;
  readonly deletedUploads: number;
  readonly deletedConfigurations: number;
  readonly deletedBatches: number;
}

const PAGE = 100;
/** Re-reads of a job whose version changed under the delete (a worker's heartbeat). */
const DELETE_TRIES = 10;

class Stop {
  constructor(readonly error: DatabaseUnavailable | StorageUnavailable) {}
}

/**
 * An admin deletes all of a user's data (`DELETE /system/users/{userId}/data`): every job (in any
 * status: a running job's worker sees its job gone within a second and stops, storing nothing
 * that stays — a late file becomes an orphan the retention sweep removes) with its log, every
 * stored object under `{prefix}/{userId}/`, every upload record, saved configuration and batch. The
 * user's account and API keys remain. Idempotent: after an outage, calling again finishes the
 * work. Records a `user.data-deleted` audit row with the counts.
 */
export class DeleteUserData {
  constructor(
    private readonly deps: {
      readonly jobs: JobRepository;
      readonly events: JobEventRepository;
      readonly storage: ObjectStorage;
      readonly uploads: UploadRepository;
      readonly configurations: ConfigurationRepository;
      readonly batches: BatchRepository;
      readonly audit: AuditLog;
      readonly clock: Clock;
      readonly logger: Logger;
      readonly settings: { readonly storagePrefix: string };
    },
  ) {}

  /** @returns the counts; `Forbidden` unless the caller is an admin; an outage as its error. */
  execute(input: {
    principal: Principal;
    userId: string;
    requestId?: string;
  }): ResultAsync<DeletedUserData, DeleteUserDataError> {
    if (!isAdmin(input.principal))
      return errAsync({
        type: 'Forbidden',
        reason: 'Deleting a user’s data needs the admin role or the admin scope.',
      });
    const run = async (): Promise<DeletedUserData> => {
      const deletedJobs = await this.deleteJobs(input.userId);
      const objects = await this.deps.storage.deletePrefix(
        `${this.deps.settings.storagePrefix}/${input.userId}/`,
      );
      if (objects.isErr()) throw new Stop(objects.error);
      const deletedUploads = await this.deleteUploads(input.userId);
      const deletedConfigurations = await this.deleteConfigurations(input.userId);
      const batches = await this.deps.batches.deleteByOwner(input.userId);
      if (batches.isErr()) throw new Stop(batches.error);
      const result: DeletedUserData = {
        userId: input.userId,
        deletedJobs,
        deletedObjects: objects.value,
        deletedUploads,
        deletedConfigurations,
        deletedBatches: batches.value,
      };
      await recordAudit(this.deps.audit, this.deps.logger, {
        actorId: input.principal.userId,
        action: 'user.data-deleted',
        targetType: 'user',
        targetId: input.userId,
        detail: { ...result },
        at: this.deps.clock.now(),
        ...(input.requestId !== undefined ? { requestId: input.requestId } : {}),
      });
      return result;
    };
    return ResultAsync.fromPromise(run(), (error) => {
      if (error instanceof Stop) return error.error;
      throw error;
    });
  }

  private async deleteJobs(userId: string): Promise<number> {
    const { jobs, events } = this.deps;
    const all: Job[] = [];
    let cursor: string | undefined;
    do {
      const page = await jobs.list({
        ownerId: userId,
        sort: 'asc',
        limit: PAGE,
        ...(cursor !== undefined ? { cursor } : {}),
      });
      if (page.isErr()) {
        if (page.error.type === 'DatabaseUnavailable') throw new Stop(page.error);
        throw new Error(`listing jobs: ${page.error.type}`);
      }
      all.push(...page.value.items);
      cursor = page.value.nextCursor ?? undefined;
    } while (cursor !== undefined);
    let deleted = 0;
    for (const job of all) {
      let version = job.version;
      for (let i = 0; i < DELETE_TRIES; i += 1) {
        const removed = await jobs.delete(job.id, version);
        if (removed.isOk()) {
          deleted += 1;
          break;
        }
        if (removed.error.type === 'JobNotFound') break;
        if (removed.error.type === 'DatabaseUnavailable') throw new Stop(removed.error);
        const current = await jobs.findById(job.id);
        if (current.isErr()) {
          if (current.error.type === 'DatabaseUnavailable') throw new Stop(current.error);
          break;
        }
        version = current.value.version;
      }
      const log = await events.deleteForJob(job.id);
      if (log.isErr()) throw new Stop(log.error);
    }
    return deleted;
  }

  private async deleteUploads(userId: string): Promise<number> {
    let deleted = 0;
    for (;;) {
      // Always the first page: what was deleted is gone from it.
      const page = await this.deps.uploads.list({ ownerId: userId, limit: PAGE });
      if (page.isErr()) {
        if (page.error.type === 'DatabaseUnavailable') throw new Stop(page.error);
        throw new Error(`listing uploads: ${page.error.type}`);
      }
      if (page.value.items.length === 0) return deleted;
      for (const upload of page.value.items) {
        const removed = await this.deps.uploads.delete(upload.id);
        if (removed.isErr() && removed.error.type === 'DatabaseUnavailable') throw new Stop(removed.error);
        if (removed.isOk()) deleted += 1;
      }
    }
  }

  private async deleteConfigurations(userId: string): Promise<number> {
    let deleted = 0;
    for (;;) {
      const page = await this.deps.configurations.list({ ownerId: userId, limit: PAGE });
      if (page.isErr()) {
        if (page.error.type === 'DatabaseUnavailable') throw new Stop(page.error);
        throw new Error(`listing configurations: ${page.error.type}`);
      }
      if (page.value.items.length === 0) return deleted;
      for (const configuration of page.value.items) {
        const removed = await this.deps.configurations.delete(configuration.id);
        if (removed.isErr() && removed.error.type === 'DatabaseUnavailable') throw new Stop(removed.error);
        if (removed.isOk()) deleted += 1;
      }
    }
  }
}
