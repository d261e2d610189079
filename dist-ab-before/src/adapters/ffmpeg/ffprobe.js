import { err, ok } from 'neverthrow';
import { describeFailure } from './process-group.js';
/** The arguments that make ffprobe print streams and format of `file` as JSON. */
export const ffprobeArgs = (file) => [
    '-v',
    'error',
    '-print_format',
    'json',
    '-show_format',
    '-show_streams',
    file,
];
/** A frame rate written as `num/den` (or a plain number) in frames/s; 0 when unknown. */
export function parseFrameRate(rate) {
    if (!rate)
        return 0;
    const [num, den] = rate.split('/').map(Number);
    if (num === undefined || !Number.isFinite(num))
        return 0;
    const value = den === undefined ? num : den > 0 ? num / den : 0;
    return Math.round(value * 1000) / 1000;
}
/**
 * Maps `ffprobe -print_format json -show_format -show_streams` output to a {@link VideoProbe}:
 * duration (s), size (bytes), width and height (px), fps, codec names and bitrate (bit/s).
 * Fails with a message when there is no video stream or the JSON is malformed.
 */
export function parseProbeJson(text) {
    let json;
    try {
        json = JSON.parse(text);
    }
    catch {
        return err('ffprobe printed invalid JSON');
    }
    const streams = Array.isArray(json.streams) ? json.streams : [];
    const video = streams.find((s) => s.codec_type === 'video');
    if (!video || typeof video.codec_name !== 'string')
        return err('ffprobe found no video stream');
    const audio = streams.find((s) => s.codec_type === 'audio');
    const num = (v) => {
        const n = Number(v);
        return Number.isFinite(n) ? n : 0;
    };
    const fps = parseFrameRate(video.avg_frame_rate) || parseFrameRate(video.r_frame_rate);
    return ok({
        durationSeconds: num(json.format?.duration),
        sizeBytes: num(json.format?.size),
        width: video.width ?? 0,
        height: video.height ?? 0,
        fps,
        videoCodec: video.codec_name,
        audioCodec: audio?.codec_name ?? null,
        bitrate: num(json.format?.bit_rate),
    });
}
/**
 * Runs ffprobe on `file` in `group` (so cancelling the group kills it) with a 15 s timeout.
 *
 * @param ffprobePath the ffprobe binary
 */
export async function probeVideo(group, ffprobePath, file) {
    const outcome = await group.run(ffprobePath, ffprobeArgs(file), { collectStdout: true, timeoutMs: 15_000 });
    const failure = describeFailure(outcome, 'ffprobe');
    if (failure)
        return err(failure);
    if (outcome.kind !== 'exited')
        return err({ message: 'ffprobe did not run', retryable: true });
    return parseProbeJson(outcome.stdout).mapErr((message) => ({ message, retryable: false }));
}
//# sourceMappingURL=ffprobe.js.map