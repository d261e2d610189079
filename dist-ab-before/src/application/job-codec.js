import { VideoSpec } from '../domain/video-spec.js';
/** A job as JSON text (dates as ISO 8601), for caches. */
export function encodeJob(job) {
    return JSON.stringify(job);
}
const date = (v) => (v === null ? null : new Date(v));
/**
 * Parses {@link encodeJob}'s output; the spec is validated again.
 * @returns the job, or `null` when the text is not a valid encoded job (treated as a cache miss).
 */
export function decodeJob(text) {
    try {
        const raw = JSON.parse(text);
        const spec = VideoSpec.create(raw.spec);
        if (spec.isErr() || typeof raw.id !== 'string' || typeof raw.version !== 'number')
            return null;
        return {
            ...raw,
            spec: spec.value,
            runAt: new Date(raw.runAt),
            lease: raw.lease === null
                ? null
                : { workerId: raw.lease.workerId, expiresAt: new Date(raw.lease.expiresAt) },
            cancelRequestedAt: date(raw.cancelRequestedAt),
            createdAt: new Date(raw.createdAt),
            startedAt: date(raw.startedAt),
            finishedAt: date(raw.finishedAt),
            updatedAt: new Date(raw.updatedAt),
        };
    }
    catch {
        return null;
    }
}
//# sourceMappingURL=job-codec.js.map