import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import { resolveByteRange, type ByteRangeRequest } from '../domain/byte-range.js';
import type { RangeNotSatisfiable } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import { ASSET_CONTENT_TYPES, assetKey, type AssetKind } from '../domain/video-asset.js';
import type {
  DatabaseUnavailable,
  JobNotFound,
  ObjectNotFound,
  StorageUnavailable,
} from '../ports/errors.js';
import type { JobRepository } from '../ports/job-repository.js';
import type { ObjectBody, ObjectStorage, StoredObjectInfo } from '../ports/object-storage.js';
import type { AssetNotFound, JobNotCompleted } from './errors.js';
import { findOwnedJob } from './find-owned-job.js';

export interface OpenJobAssetInput {
  readonly principal: Principal;
  readonly jobId: string;
  readonly asset: AssetKind;
  /** Parsed `Range` header, or `null` for the whole file. */
  readonly range: ByteRangeRequest | null;
  /** Ask for a presigned URL instead of the bytes (honoured when the store can presign). */
  readonly redirect?: boolean;
  /** `If-Range` validator: when it does not match the current ETag the range is ignored (RFC 9110 §13.1.5). */
  readonly ifRange?: string;
}

export type OpenedAsset =
  | {
      readonly kind: 'body';
      readonly body: ObjectBody;
      readonly contentType: string;
      /** Suggested download file name. */
      readonly fileName: string;
    }
  | { readonly kind: 'redirect'; readonly url: string; readonly info: StoredObjectInfo };

export type OpenJobAssetError =
  | JobNotFound
  | JobNotCompleted
  | AssetNotFound
  | RangeNotSatisfiable
  | StorageUnavailable
  | DatabaseUnavailable;

const FILE_NAMES: Record<AssetKind, string> = {
  video: 'video.mp4',
  thumbnail: 'thumbnail.jpg',
  subtitles: 'subtitles.vtt',
};

/** Opens a completed job's video, thumbnail or subtitles for streaming, optionally one byte range (RFC 9110 §14). */
export class OpenJobAsset {
  constructor(
    private readonly deps: {
      readonly jobs: JobRepository;
      readonly storage: ObjectStorage;
      readonly settings: { readonly presignExpiresSeconds: number };
    },
  ) {}

  execute(input: OpenJobAssetInput): ResultAsync<OpenedAsset, OpenJobAssetError> {
    return findOwnedJob(this.deps.jobs, input.principal, input.jobId).andThen((job) => {
      if (job.status !== 'completed' || job.result === null)
        return errAsync<OpenedAsset, OpenJobAssetError>({
          type: 'JobNotCompleted',
          jobId: job.id,
          status: job.status,
        });
      const key = assetKey(job.result, input.asset);
      const missing: AssetNotFound = { type: 'AssetNotFound', jobId: job.id, asset: input.asset };
      return this.deps.storage
        .head(key)
        .andThen((info): ResultAsync<OpenedAsset, OpenJobAssetError | ObjectNotFound> => {
          if (input.redirect !== true) return this.openBody(key, info, input);
          return this.deps.storage
            .presignGet(key, this.deps.settings.presignExpiresSeconds)
            .andThen((url) =>
              url === null
                ? this.openBody(key, info, input)
                : okAsync({ kind: 'redirect' as const, url, info }),
            );
        })
        .mapErr((e): OpenJobAssetError => (e.type === 'ObjectNotFound' ? missing : e));
    });
  }

  private openBody(
    key: string,
    info: StoredObjectInfo,
    input: OpenJobAssetInput,
  ): ResultAsync<OpenedAsset, OpenJobAssetError | ObjectNotFound> {
    const useRange = input.range !== null && (input.ifRange === undefined || input.ifRange === info.etag);
    let range;
    if (useRange && input.range !== null) {
      const resolved = resolveByteRange(input.range, info.size);
      if (resolved.isErr()) return errAsync(resolved.error);
      range = resolved.value;
    }
    return this.deps.storage.get(key, range).map((body) => ({
      kind: 'body' as const,
      body,
      contentType: ASSET_CONTENT_TYPES[input.asset],
      fileName: FILE_NAMES[input.asset],
    }));
  }
}
