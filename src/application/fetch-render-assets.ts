import type { JobError } from '../domain/job.js';
import type { Upload, UploadKind } from '../domain/upload.js';
import type { SpecAssets } from '../domain/video-spec.js';
import type { ObjectStorage } from '../ports/object-storage.js';
import type { ScratchFiles } from '../ports/scratch-files.js';
import type { UploadRepository } from '../ports/upload-repository.js';
import type { RenderAssets } from '../ports/video-renderer.js';

/** The role an uploaded asset plays in a video. */
export type AssetRole = 'logo' | 'background' | 'music';

const ROLES: readonly {
  role: AssetRole;
  field: keyof SpecAssets;
  kind: UploadKind;
  path: keyof RenderAssets;
}[] = [
  { role: 'logo', field: 'logoUploadId', kind: 'image', path: 'logoPath' },
  { role: 'background', field: 'backgroundUploadId', kind: 'image', path: 'backgroundPath' },
  { role: 'music', field: 'musicUploadId', kind: 'audio', path: 'musicPath' },
];

/** File name extensions by media type (decoders probe the content; the extension only helps). */
const EXTENSIONS: Readonly<Record<string, string>> = {
  'image/png': '.png',
  'image/jpeg': '.jpg',
  'image/webp': '.webp',
  'image/gif': '.gif',
  'audio/mpeg': '.mp3',
  'audio/wav': '.wav',
  'audio/ogg': '.ogg',
  'audio/ogg; codecs=opus': '.opus',
  'audio/flac': '.flac',
  'audio/x-m4a': '.m4a',
  'audio/mp4': '.m4a',
  'audio/aac': '.aac',
};

/** One fetched asset, for the job's log. */
export interface FetchedAsset {
  readonly role: AssetRole;
  readonly uploadId: string;
  /** Size in bytes. */
  readonly sizeBytes: number;
}

/** The local copies of a job's assets; `release()` deletes them (idempotent, never rejects). */
export interface LocalRenderAssets {
  /** What to put in `RenderRequest.assets`; `undefined` when the spec names no asset. */
  readonly paths: RenderAssets | undefined;
  readonly fetched: readonly FetchedAsset[];
  release(): Promise<void>;
}

/** Why the assets could not be fetched, as the job's error, and which asset it was (when one). */
export interface AssetFetchFailure {
  readonly error: JobError;
  readonly role: AssetRole | null;
  readonly uploadId: string | null;
}

export interface FetchRenderAssetsDeps {
  /** Required by jobs whose spec names assets. */
  readonly uploads?: UploadRepository;
  readonly storage: ObjectStorage;
  /** Required by jobs whose spec names assets. */
  readonly scratchFiles?: ScratchFiles;
}

const unavailable = (
  role: AssetRole | null,
  uploadId: string | null,
  message: string,
): AssetFetchFailure => ({
  error: { code: 'ASSET_UNAVAILABLE', message, retryable: false },
  role,
  uploadId,
});

const NO_ASSETS: LocalRenderAssets = { paths: undefined, fetched: [], release: () => Promise.resolve() };

/**
 * The worker's `planning` step for uploaded assets (DESIGN §3 VideoSpec `assets`): looks up the
 * uploads the spec names, checks they still exist, belong to the job's owner and are of the
 * right kind (logo and background: image; music: audio), and downloads each into a fresh
 * per-job scratch directory.
 *
 * Failures: an upload that is missing, deleted, another user's, of the wrong kind or whose stored
 * file is gone -> `ASSET_UNAVAILABLE` (not retryable); the database down -> `DATABASE_UNAVAILABLE`
 * and object storage or the local disk failing -> `STORAGE_UNAVAILABLE` (retryable as the port
 * says). On failure nothing is left on disk.
 *
 * @returns the local files, to be released by the caller (in a `finally`) once the render ended.
 */
export async function fetchRenderAssets(
  deps: FetchRenderAssetsDeps,
  job: { readonly id: string; readonly ownerId: string; readonly spec: { readonly assets?: SpecAssets } },
): Promise<{ kind: 'ok'; assets: LocalRenderAssets } | { kind: 'error'; failure: AssetFetchFailure }> {
  const wanted = ROLES.flatMap((r) => {
    const uploadId = job.spec.assets?.[r.field];
    return uploadId === undefined ? [] : [{ ...r, uploadId }];
  });
  if (wanted.length === 0) return { kind: 'ok', assets: NO_ASSETS };
  const { uploads, storage, scratchFiles } = deps;
  if (uploads === undefined || scratchFiles === undefined)
    return {
      kind: 'error',
      failure: unavailable(
        null,
        null,
        'assets cannot be fetched: no upload repository or scratch space is configured',
      ),
    };

  const found = await uploads.findByIds([...new Set(wanted.map((w) => w.uploadId))]);
  if (found.isErr())
    return {
      kind: 'error',
      failure: {
        error: {
          code: 'DATABASE_UNAVAILABLE',
          message: `database unavailable: ${found.error.message}`,
          retryable: true,
        },
        role: null,
        uploadId: null,
      },
    };
  const byId = new Map<string, Upload>(found.value.map((u) => [u.id, u]));
  const checked: { role: AssetRole; path: keyof RenderAssets; upload: Upload }[] = [];
  for (const w of wanted) {
    const upload = byId.get(w.uploadId);
    if (upload === undefined || upload.ownerId !== job.ownerId)
      return {
        kind: 'error',
        failure: unavailable(w.role, w.uploadId, `the ${w.role} upload ${w.uploadId} no longer exists`),
      };
    if (upload.kind !== w.kind)
      return {
        kind: 'error',
        failure: unavailable(
          w.role,
          w.uploadId,
          `the ${w.role} upload ${w.uploadId} is ${upload.kind === 'image' || upload.kind === 'audio' ? 'an' : 'a'} ${upload.kind} file, not ${w.kind === 'image' ? 'an image' : 'audio'}`,
        ),
      };
    checked.push({ role: w.role, path: w.path, upload });
  }

  const dir = await scratchFiles.createDirectory(job.id);
  if (dir.isErr())
    return {
      kind: 'error',
      failure: {
        error: { code: 'STORAGE_UNAVAILABLE', message: dir.error.message, retryable: dir.error.retryable },
        role: null,
        uploadId: null,
      },
    };
  const scratch = dir.value;
  const paths: { -readonly [K in keyof RenderAssets]: string } = {};
  const fetched: FetchedAsset[] = [];
  for (const { role, path, upload } of checked) {
    const failure = await (async (): Promise<AssetFetchFailure | null> => {
      const body = await storage.get(upload.storageKey);
      if (body.isErr())
        return body.error.type === 'ObjectNotFound'
          ? unavailable(role, upload.id, `the stored file of the ${role} upload ${upload.id} is missing`)
          : {
              error: {
                code: 'STORAGE_UNAVAILABLE',
                message: `fetching the ${role} upload ${upload.id}: ${body.error.message}`,
                retryable: body.error.retryable,
              },
              role,
              uploadId: upload.id,
            };
      const written = await scratch.writeFile(
        `${role}${EXTENSIONS[upload.mediaType] ?? ''}`,
        body.value.stream,
      );
      if (written.isErr())
        return {
          error: {
            code: 'STORAGE_UNAVAILABLE',
            message: `fetching the ${role} upload ${upload.id}: ${written.error.message}`,
            retryable: written.error.retryable,
          },
          role,
          uploadId: upload.id,
        };
      paths[path] = written.value.path;
      fetched.push({ role, uploadId: upload.id, sizeBytes: written.value.sizeBytes });
      return null;
    })().catch(async (error: unknown) => {
      await scratch.remove();
      throw error;
    });
    if (failure !== null) {
      await scratch.remove();
      return { kind: 'error', failure };
    }
  }
  return { kind: 'ok', assets: { paths, fetched, release: () => scratch.remove() } };
}
