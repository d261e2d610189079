import { err, ok, ResultAsync, type Result } from 'neverthrow';
import type { Principal } from '../domain/principal.js';
import { uploadIdsOf } from '../domain/upload.js';
import type { DatabaseUnavailable, InvalidCursor, StorageUnavailable } from '../ports/errors.js';
import type { JobRepository } from '../ports/job-repository.js';
import type { ObjectStorage } from '../ports/object-storage.js';
import type { UploadNotFound, UploadRepository } from '../ports/upload-repository.js';
import { findOwnedUpload } from './find-owned-upload.js';

/** A queued or processing job still names the upload (as a RAG source or an asset). */
export interface UploadInUse {
  readonly type: 'UploadInUse';
  readonly uploadId: string;
  /** The jobs that name it (at most 10). */
  readonly jobIds: readonly string[];
}

export type DeleteUploadError = UploadNotFound | UploadInUse | StorageUnavailable | DatabaseUnavailable;

/** Jobs read per page while looking for references. */
const PAGE = 100;

/**
 * Deletes one of the caller's uploads: its stored file, then its record (DELETE /uploads/{id}).
 * Refused with `UploadInUse` while a queued or processing job of the owner names it. The file
 * goes first, so a failure leaves a record that a retry deletes (deleting a missing file succeeds).
 */
export class DeleteUpload {
  constructor(
    private readonly deps: {
      readonly uploads: UploadRepository;
      readonly jobs: JobRepository;
      readonly storage: ObjectStorage;
    },
  ) {}

  execute(input: { principal: Principal; uploadId: string }): ResultAsync<void, DeleteUploadError> {
    const { uploads, storage } = this.deps;
    return findOwnedUpload(uploads, input.principal, input.uploadId)
      .andThen((upload) =>
        new ResultAsync(this.activeJobsUsing(upload.ownerId, upload.id)).andThen((jobIds) =>
          jobIds.length > 0
            ? err<typeof upload, UploadInUse>({ type: 'UploadInUse', uploadId: upload.id, jobIds })
            : ok(upload),
        ),
      )
      .andThen((upload) => storage.delete(upload.storageKey).map(() => upload))
      .andThen((upload) => uploads.delete(upload.id));
  }

  /** Ids of the owner's queued or processing jobs naming `uploadId` (at most 10). */
  private async activeJobsUsing(
    ownerId: string,
    uploadId: string,
  ): Promise<Result<string[], DatabaseUnavailable>> {
    const found: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await this.deps.jobs.list({
        ownerId,
        statuses: ['queued', 'processing'],
        sort: 'asc',
        limit: PAGE,
        ...(cursor !== undefined ? { cursor } : {}),
      });
      if (page.isErr()) {
        const e: InvalidCursor | DatabaseUnavailable = page.error;
        // A cursor the store just made cannot be invalid.
        if (e.type === 'InvalidCursor') throw new Error(`job list refused its own cursor ${e.cursor}`);
        return err(e);
      }
      for (const job of page.value.items)
        if (uploadIdsOf(job.spec).includes(uploadId) && found.length < 10) found.push(job.id);
      if (page.value.nextCursor === null || found.length >= 10) return ok(found);
      cursor = page.value.nextCursor;
    }
  }
}
