import type { ResultAsync } from 'neverthrow';
import type { Principal } from '../domain/principal.js';
import type { UploadKind } from '../domain/upload.js';
import type { DatabaseUnavailable, InvalidCursor } from '../ports/errors.js';
import type { UploadPage, UploadRepository } from '../ports/upload-repository.js';

export type ListUploadsError = InvalidCursor | DatabaseUnavailable;

/** The caller's uploads, newest first, one page at a time (GET /uploads). */
export class ListUploads {
  constructor(private readonly deps: { readonly uploads: UploadRepository }) {}

  /** @returns a page (`limit` clamped to 1–100), or `InvalidCursor` for a cursor this list did not make. */
  execute(input: {
    principal: Principal;
    kind?: UploadKind;
    limit: number;
    cursor?: string;
  }): ResultAsync<UploadPage, ListUploadsError> {
    return this.deps.uploads.list({
      ownerId: input.principal.userId,
      limit: input.limit,
      ...(input.kind !== undefined ? { kind: input.kind } : {}),
      ...(input.cursor !== undefined ? { cursor: input.cursor } : {}),
    });
  }
}
