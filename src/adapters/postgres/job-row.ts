import type { Selectable } from 'kysely';
import {
  JOB_STATUSES,
  STAGES,
  type Job,
  type JobError,
  type JobStatus,
  type Stage,
} from '../../domain/job.js';
import type { VideoAsset } from '../../domain/video-asset.js';
import { VideoSpec, type VideoSpecInput } from '../../domain/video-spec.js';
import type { JobsTable } from './database.js';

/** A `jobs` row as read. */
export type JobRow = Selectable<JobsTable>;

/** Column values of a job, as written (jsonb as JSON text). Every column but none generated. */
export interface JobColumns {
  id: string;
  owner_id: string;
  batch_id: string | null;
  spec: string;
  status: string;
  priority: number;
  attempts: number;
  max_attempts: number;
  run_at: Date;
  lease_owner: string | null;
  lease_expires_at: Date | null;
  progress_stage: string;
  progress_percent: number;
  cancel_requested_at: Date | null;
  error: string | null;
  result: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  updated_at: Date;
  version: number;
}

/** A row that breaks the schema's invariants is a bug (or a hand edit): thrown, never returned. */
class CorruptJobRow extends Error {
  constructor(jobId: string, detail: string) {
    super(`jobs row ${jobId} cannot be read: ${detail}`);
    this.name = 'CorruptJobRow';
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Job -> column values, field by field. */
export function jobToColumns(job: Job): JobColumns {
  return {
    id: job.id,
    owner_id: job.ownerId,
    batch_id: job.batchId,
    spec: JSON.stringify(VideoSpec.toJSON(job.spec)),
    status: job.status,
    priority: job.priority,
    attempts: job.attempts,
    max_attempts: job.maxAttempts,
    run_at: job.runAt,
    lease_owner: job.lease?.workerId ?? null,
    lease_expires_at: job.lease?.expiresAt ?? null,
    progress_stage: job.progress.stage,
    progress_percent: job.progress.percent,
    cancel_requested_at: job.cancelRequestedAt,
    error:
      job.error === null
        ? null
        : JSON.stringify({
            code: job.error.code,
            message: job.error.message,
            retryable: job.error.retryable,
          }),
    result: job.result === null ? null : assetToColumn(job.result),
    created_at: job.createdAt,
    started_at: job.startedAt,
    finished_at: job.finishedAt,
    updated_at: job.updatedAt,
    version: job.version,
  };
}

/** A job's result as the `result` column's JSON text. */
export function assetToColumn(asset: VideoAsset): string {
  return JSON.stringify(assetToJson(asset));
}

function assetToJson(asset: VideoAsset): Record<string, unknown> {
  return {
    videoKey: asset.videoKey,
    thumbnailKey: asset.thumbnailKey,
    subtitlesKey: asset.subtitlesKey,
    sizeBytes: asset.sizeBytes,
    durationSeconds: asset.durationSeconds,
    width: asset.width,
    height: asset.height,
    fps: asset.fps,
    videoCodec: asset.videoCodec,
    audioCodec: asset.audioCodec,
    bitrate: asset.bitrate,
    sha256: asset.sha256,
    ...(asset.versionId !== undefined ? { versionId: asset.versionId } : {}),
  };
}

/**
 * Row -> Job, field by field. The spec is validated again with `VideoSpec.create`.
 * @throws CorruptJobRow when the row breaks an invariant (programmer error).
 */
export function rowToJob(row: JobRow): Job {
  const fail = (detail: string): never => {
    throw new CorruptJobRow(row.id, detail);
  };
  if (!(JOB_STATUSES as readonly string[]).includes(row.status)) fail(`unknown status ${row.status}`);
  if (!(STAGES as readonly string[]).includes(row.progress_stage))
    fail(`unknown stage ${row.progress_stage}`);
  const spec = VideoSpec.create(isRecord(row.spec) ? (row.spec as VideoSpecInput) : {});
  if (spec.isErr())
    throw new CorruptJobRow(
      row.id,
      `invalid spec: ${spec.error.issues.map((i) => `${i.path} ${i.message}`).join('; ')}`,
    );
  return {
    id: row.id,
    ownerId: row.owner_id,
    batchId: row.batch_id,
    spec: spec.value,
    status: row.status as JobStatus,
    priority: row.priority,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    runAt: row.run_at,
    lease:
      row.lease_owner !== null && row.lease_expires_at !== null
        ? { workerId: row.lease_owner, expiresAt: row.lease_expires_at }
        : null,
    progress: { stage: row.progress_stage as Stage, percent: row.progress_percent },
    cancelRequestedAt: row.cancel_requested_at,
    error: row.error === null ? null : parseError(row.error, fail),
    result: row.result === null ? null : parseAsset(row.result, fail),
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

function parseError(value: unknown, fail: (detail: string) => never): JobError {
  if (
    !isRecord(value) ||
    typeof value['code'] !== 'string' ||
    typeof value['message'] !== 'string' ||
    typeof value['retryable'] !== 'boolean'
  )
    return fail('error is not { code, message, retryable }');
  return { code: value['code'], message: value['message'], retryable: value['retryable'] };
}

function parseAsset(value: unknown, fail: (detail: string) => never): VideoAsset {
  if (!isRecord(value)) return fail('result is not an object');
  const text = (key: string): string => {
    const v = value[key];
    return typeof v === 'string' ? v : fail(`result.${key} is not a string`);
  };
  const num = (key: string): number => {
    const v = value[key];
    return typeof v === 'number' && Number.isFinite(v) ? v : fail(`result.${key} is not a number`);
  };
  const audioCodec = value['audioCodec'];
  if (audioCodec !== null && typeof audioCodec !== 'string')
    fail('result.audioCodec is not a string or null');
  const versionId = value['versionId'];
  if (versionId !== undefined && typeof versionId !== 'string') fail('result.versionId is not a string');
  return {
    videoKey: text('videoKey'),
    thumbnailKey: text('thumbnailKey'),
    subtitlesKey: text('subtitlesKey'),
    sizeBytes: num('sizeBytes'),
    durationSeconds: num('durationSeconds'),
    width: num('width'),
    height: num('height'),
    fps: num('fps'),
    videoCodec: text('videoCodec'),
    audioCodec: audioCodec as string | null,
    bitrate: num('bitrate'),
    sha256: text('sha256'),
    ...(typeof versionId === 'string' ? { versionId } : {}),
  };
}
