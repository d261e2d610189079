import { JOB_STATUSES, STAGES, } from '../../domain/job.js';
import { VideoSpec } from '../../domain/video-spec.js';
/** A row that breaks the schema's invariants is a bug (or a hand edit): thrown, never returned. */
class CorruptJobRow extends Error {
    constructor(jobId, detail) {
        super(`jobs row ${jobId} cannot be read: ${detail}`);
        this.name = 'CorruptJobRow';
    }
}
const isRecord = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Job -> column values, field by field. */
export function jobToColumns(job) {
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
        error: job.error === null
            ? null
            : JSON.stringify({
                code: job.error.code,
                message: job.error.message,
                retryable: job.error.retryable,
            }),
        result: job.result === null ? null : JSON.stringify(assetToJson(job.result)),
        created_at: job.createdAt,
        started_at: job.startedAt,
        finished_at: job.finishedAt,
        updated_at: job.updatedAt,
        version: job.version,
    };
}
function assetToJson(asset) {
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
export function rowToJob(row) {
    const fail = (detail) => {
        throw new CorruptJobRow(row.id, detail);
    };
    if (!JOB_STATUSES.includes(row.status))
        fail(`unknown status ${row.status}`);
    if (!STAGES.includes(row.progress_stage))
        fail(`unknown stage ${row.progress_stage}`);
    const spec = VideoSpec.create(isRecord(row.spec) ? row.spec : {});
    if (spec.isErr())
        throw new CorruptJobRow(row.id, `invalid spec: ${spec.error.issues.map((i) => `${i.path} ${i.message}`).join('; ')}`);
    return {
        id: row.id,
        ownerId: row.owner_id,
        batchId: row.batch_id,
        spec: spec.value,
        status: row.status,
        priority: row.priority,
        attempts: row.attempts,
        maxAttempts: row.max_attempts,
        runAt: row.run_at,
        lease: row.lease_owner !== null && row.lease_expires_at !== null
            ? { workerId: row.lease_owner, expiresAt: row.lease_expires_at }
            : null,
        progress: { stage: row.progress_stage, percent: row.progress_percent },
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
function parseError(value, fail) {
    if (!isRecord(value) ||
        typeof value['code'] !== 'string' ||
        typeof value['message'] !== 'string' ||
        typeof value['retryable'] !== 'boolean')
        return fail('error is not { code, message, retryable }');
    return { code: value['code'], message: value['message'], retryable: value['retryable'] };
}
function parseAsset(value, fail) {
    if (!isRecord(value))
        return fail('result is not an object');
    const text = (key) => {
        const v = value[key];
        return typeof v === 'string' ? v : fail(`result.${key} is not a string`);
    };
    const num = (key) => {
        const v = value[key];
        return typeof v === 'number' && Number.isFinite(v) ? v : fail(`result.${key} is not a number`);
    };
    const audioCodec = value['audioCodec'];
    if (audioCodec !== null && typeof audioCodec !== 'string')
        fail('result.audioCodec is not a string or null');
    const versionId = value['versionId'];
    if (versionId !== undefined && typeof versionId !== 'string')
        fail('result.versionId is not a string');
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
        audioCodec: audioCodec,
        bitrate: num('bitrate'),
        sha256: text('sha256'),
        ...(typeof versionId === 'string' ? { versionId } : {}),
    };
}
//# sourceMappingURL=job-row.js.map