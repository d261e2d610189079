export const API_PREFIX = '/api/v1';
/** Links of a job's resources. */
export function jobLinks(jobId) {
    const base = `${API_PREFIX}/videos/jobs/${encodeURIComponent(jobId)}`;
    return {
        self: `${base}/status`,
        status: `${base}/status`,
        download: `${base}/download`,
        thumbnail: `${base}/thumbnail`,
        subtitles: `${base}/subtitles`,
        metadata: `${base}/metadata`,
    };
}
/** The API's JSON view of a job (DESIGN §5). */
export function presentJob(job, queuePosition = null) {
    return {
        id: job.id,
        status: job.status,
        topic: job.spec.topic,
        progress: { stage: job.progress.stage, percent: Math.round(job.progress.percent) },
        ...(queuePosition !== null ? { queuePosition } : {}),
        priority: job.priority,
        attempts: job.attempts,
        maxAttempts: job.maxAttempts,
        cancelRequested: job.cancelRequestedAt !== null,
        ...(job.error !== null
            ? { error: { code: job.error.code, message: job.error.message, retryable: job.error.retryable } }
            : {}),
        ...(job.result !== null
            ? {
                result: {
                    durationSeconds: job.result.durationSeconds,
                    width: job.result.width,
                    height: job.result.height,
                    fps: job.result.fps,
                    sizeBytes: job.result.sizeBytes,
                    videoCodec: job.result.videoCodec,
                    audioCodec: job.result.audioCodec,
                    bitrate: job.result.bitrate,
                    sha256: job.result.sha256,
                },
            }
            : {}),
        createdAt: job.createdAt.toISOString(),
        ...(job.startedAt !== null ? { startedAt: job.startedAt.toISOString() } : {}),
        ...(job.finishedAt !== null ? { finishedAt: job.finishedAt.toISOString() } : {}),
        updatedAt: job.updatedAt.toISOString(),
        links: jobLinks(job.id),
    };
}
export function presentEvent(e) {
    return {
        id: e.id,
        at: e.at.toISOString(),
        level: e.level,
        stage: e.stage,
        message: e.message,
        data: { ...e.data },
    };
}
//# sourceMappingURL=job-presenter.js.map