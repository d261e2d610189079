import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import { resolveByteRange, type ByteRangeRequest } from '../domain/byte-range.js';
import type { RangeNotSatisfiable } from '../domain/errors.js';
import { owns, type Principal } from '../domain/principal.js';
import { ASSET_CONTENT_TYPES, assetKey, type AssetKind, type VideoAsset } from '../domain/video-asset.js';
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

/** Settings of the completed-job cache of {@link OpenJobAsset}. */
export interface CompletedAssetCache {
  /** How long a completed job's owner, result and stored-object info are reused, in ms; 0: off. */
  readonly ttlMs: number;
  /** Most jobs held (oldest dropped first). Default 10,000. */
  readonly maxEntries?: number;
  /** Clock in ms (tests). Default `Date.now`. */
  readonly now?: () => number;
}

interface CompletedJob {
  readonly ownerId: string;
  readonly result: VideoAsset;
  /** `head` of each asset already served. */
  readonly infos: Map<AssetKind, StoredObjectInfo>;
  readonly expiresAt: number;
}

/**
 * Opens a completed job's video, thumbnail or subtitles for streaming, optionally one byte range
 * (RFC 9110 §14).
 *
 * With `cache`, a completed job (immutable: its result never changes) is remembered with its
 * owner and the `head` of each asset served, so repeated reads (a player's Range requests) cost
 * one `storage.get` instead of a job read, a `head` and a `get`. Deletion still wins: every
 * deletion path removes a job's objects before its row, so a remembered job whose object is gone
 * (`ObjectNotFound`), or whose object changed (another ETag), is forgotten and the request answered
 * as without the cache (`JobNotFound` once the row is gone). Redirects (`?redirect=true`) always
 * take the full path.
 */
export class OpenJobAsset {
  private readonly completed = new Map<string, CompletedJob>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(
    private readonly deps: {
      readonly jobs: JobRepository;
      readonly storage: ObjectStorage;
      readonly settings: { readonly presignExpiresSeconds: number };
      readonly cache?: CompletedAssetCache;
    },
  ) {
    this.ttlMs = deps.cache?.ttlMs ?? 0;
    this.maxEntries = deps.cache?.maxEntries ?? 10_000;
    this.now = deps.cache?.now ?? Date.now;
  }

  /** Number of completed jobs remembered (tests, introspection). */
  get cachedJobs(): number {
    return this.completed.size;
  }

  execute(input: OpenJobAssetInput): ResultAsync<OpenedAsset, OpenJobAssetError> {
    if (input.redirect !== true && this.ttlMs > 0) {
      const hit = this.completed.get(input.jobId);
      if (hit !== undefined && hit.expiresAt <= this.now()) this.completed.delete(input.jobId);
      else if (hit !== undefined && owns(input.principal, hit.ownerId)) {
        const info = hit.infos.get(input.asset);
        if (info !== undefined) return this.fromCache(input, hit, info);
      }
    }
    return this.open(input);
  }

  /** Serves from a remembered job; falls back to {@link open} when the object is gone or changed. */
  private fromCache(
    input: OpenJobAssetInput,
    hit: CompletedJob,
    info: StoredObjectInfo,
  ): ResultAsync<OpenedAsset, OpenJobAssetError> {
    const key = assetKey(hit.result, input.asset);
    const forget = (): ResultAsync<OpenedAsset, OpenJobAssetError> => {
      if (this.completed.get(input.jobId) === hit) this.completed.delete(input.jobId);
      return this.open(input);
    };
    return this.openBody(key, info, input)
      .orElse((e) => (e.type === 'ObjectNotFound' ? forget() : errAsync(e)))
      .andThen((opened) => {
        if (opened.kind === 'body' && opened.body.info.etag !== info.etag) {
          opened.body.stream.destroy();
          return forget();
        }
        return okAsync(opened);
      });
  }

  private open(input: OpenJobAssetInput): ResultAsync<OpenedAsset, OpenJobAssetError> {
    return findOwnedJob(this.deps.jobs, input.principal, input.jobId).andThen((job) => {
      if (job.status !== 'completed' || job.result === null)
        return errAsync<OpenedAsset, OpenJobAssetError>({
          type: 'JobNotCompleted',
          jobId: job.id,
          status: job.status,
        });
      const result = job.result;
      const key = assetKey(result, input.asset);
      const missing: AssetNotFound = { type: 'AssetNotFound', jobId: job.id, asset: input.asset };
      return this.deps.storage
        .head(key)
        .andThen((info): ResultAsync<OpenedAsset, OpenJobAssetError | ObjectNotFound> => {
          this.remember(job.id, job.ownerId, result, input.asset, info);
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

  private remember(
    jobId: string,
    ownerId: string,
    result: VideoAsset,
    asset: AssetKind,
    info: StoredObjectInfo,
  ): void {
    if (this.ttlMs <= 0) return;
    let entry = this.completed.get(jobId);
    if (entry === undefined || entry.ownerId !== ownerId || entry.expiresAt <= this.now()) {
      if (entry === undefined && this.completed.size >= this.maxEntries) {
        const oldest = this.completed.keys().next().value;
        if (oldest !== undefined) this.completed.delete(oldest);
      }
      entry = { ownerId, result, infos: new Map(), expiresAt: this.now() + this.ttlMs };
      this.completed.set(jobId, entry);
    }
    entry.infos.set(asset, info);
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
