import { errAsync, okAsync } from 'neverthrow';
import { resolveByteRange } from '../domain/byte-range.js';
import { ASSET_CONTENT_TYPES, assetKey } from '../domain/video-asset.js';
import { findOwnedJob } from './find-owned-job.js';
const FILE_NAMES = {
    video: 'video.mp4',
    thumbnail: 'thumbnail.jpg',
    subtitles: 'subtitles.vtt',
};
/** Opens a completed job's video, thumbnail or subtitles for streaming, optionally one byte range (RFC 9110 §14). */
export class OpenJobAsset {
    deps;
    constructor(deps) {
        this.deps = deps;
    }
    execute(input) {
        return findOwnedJob(this.deps.jobs, input.principal, input.jobId).andThen((job) => {
            if (job.status !== 'completed' || job.result === null)
                return errAsync({
                    type: 'JobNotCompleted',
                    jobId: job.id,
                    status: job.status,
                });
            const key = assetKey(job.result, input.asset);
            const missing = { type: 'AssetNotFound', jobId: job.id, asset: input.asset };
            return this.deps.storage
                .head(key)
                .andThen((info) => {
                if (input.redirect !== true)
                    return this.openBody(key, info, input);
                return this.deps.storage
                    .presignGet(key, this.deps.settings.presignExpiresSeconds)
                    .andThen((url) => url === null
                    ? this.openBody(key, info, input)
                    : okAsync({ kind: 'redirect', url, info }));
            })
                .mapErr((e) => (e.type === 'ObjectNotFound' ? missing : e));
        });
    }
    openBody(key, info, input) {
        const useRange = input.range !== null && (input.ifRange === undefined || input.ifRange === info.etag);
        let range;
        if (useRange && input.range !== null) {
            const resolved = resolveByteRange(input.range, info.size);
            if (resolved.isErr())
                return errAsync(resolved.error);
            range = resolved.value;
        }
        return this.deps.storage.get(key, range).map((body) => ({
            kind: 'body',
            body,
            contentType: ASSET_CONTENT_TYPES[input.asset],
            fileName: FILE_NAMES[input.asset],
        }));
    }
}
//# sourceMappingURL=open-job-asset.js.map