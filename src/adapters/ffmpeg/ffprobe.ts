import { err, ok, type Result } from 'neverthrow';
import type { VideoProbe } from '../../ports/video-renderer.js';
import { describeFailure, type ProcessFailure, type ProcessGroup } from './process-group.js';

/** The arguments that make ffprobe print streams and format of `file` as JSON. */
export const ffprobeArgs = (file: string): string[] => [
  '-v',
  'error',
  '-print_format',
  'json',
  '-show_format',
  '-show_streams',
  file,
];

interface ProbeStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  r_frame_rate?: string;
  avg_frame_rate?: string;
}

interface ProbeJson {
  streams?: ProbeStream[];
  format?: { duration?: string; size?: string; bit_rate?: string };
}

/** A frame rate written as `num/den` (or a plain number) in frames/s; 0 when unknown. */
export function parseFrameRate(rate: string | undefined): number {
  if (!rate) return 0;
  const [num, den] = rate.split('/').map(Number);
  if (num === undefined || !Number.isFinite(num)) return 0;
  const value = den === undefined ? num : den > 0 ? num / den : 0;
  return Math.round(value * 1000) / 1000;
}

/**
 * Maps `ffprobe -print_format json -show_format -show_streams` output to a {@link VideoProbe}:
 * duration (s), size (bytes), width and height (px), fps, codec names and bitrate (bit/s).
 * Fails with a message when there is no video stream or the JSON is malformed.
 */
export function parseProbeJson(text: string): Result<VideoProbe, string> {
  let json: ProbeJson;
  try {
    json = JSON.parse(text) as ProbeJson;
  } catch {
    return err('ffprobe printed invalid JSON');
  }
  const streams = Array.isArray(json.streams) ? json.streams : [];
  const video = streams.find((s) => s.codec_type === 'video');
  if (!video || typeof video.codec_name !== 'string') return err('ffprobe found no video stream');
  const audio = streams.find((s) => s.codec_type === 'audio');
  const num = (v: string | undefined): number => {
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
export async function probeVideo(
  group: ProcessGroup,
  ffprobePath: string,
  file: string,
): Promise<Result<VideoProbe, ProcessFailure>> {
  const outcome = await group.run(ffprobePath, ffprobeArgs(file), { collectStdout: true, timeoutMs: 15_000 });
  const failure = describeFailure(outcome, 'ffprobe');
  if (failure) return err(failure);
  if (outcome.kind !== 'exited') return err({ message: 'ffprobe did not run', retryable: true });
  return parseProbeJson(outcome.stdout).mapErr((message) => ({ message, retryable: false }));
}

/** What ffprobe reported about an audio file (music). */
export interface AudioProbe {
  /** Seconds (0 when the container does not say). */
  readonly durationSeconds: number;
  readonly codec: string;
}

/**
 * Maps ffprobe JSON of an audio file to an {@link AudioProbe}: the first audio stream's codec and
 * the duration (format, else stream). Fails when there is no audio stream or it lasts under 50 ms.
 */
export function parseAudioProbeJson(text: string): Result<AudioProbe, string> {
  let json: { streams?: (ProbeStream & { duration?: string })[]; format?: { duration?: string } };
  try {
    json = JSON.parse(text) as typeof json;
  } catch {
    return err('ffprobe printed invalid JSON');
  }
  const streams = Array.isArray(json.streams) ? json.streams : [];
  const audio = streams.find((s) => s.codec_type === 'audio');
  if (!audio || typeof audio.codec_name !== 'string') return err('no audio stream');
  const duration = Number(json.format?.duration ?? audio.duration);
  const durationSeconds = Number.isFinite(duration) ? duration : 0;
  if (durationSeconds > 0 && durationSeconds < 0.05) return err(`only ${durationSeconds} s of audio`);
  return ok({ durationSeconds, codec: audio.codec_name });
}

/**
 * Checks that `file` is audio ffmpeg can decode (ffprobe, 15 s timeout, in `group`). An
 * undecodable file or one without an audio stream fails with `retryable: false`.
 */
export async function probeAudio(
  group: ProcessGroup,
  ffprobePath: string,
  file: string,
): Promise<Result<AudioProbe, ProcessFailure>> {
  const outcome = await group.run(ffprobePath, ffprobeArgs(file), { collectStdout: true, timeoutMs: 15_000 });
  const failure = describeFailure(outcome, 'ffprobe');
  if (failure) return err(failure);
  if (outcome.kind !== 'exited') return err({ message: 'ffprobe did not run', retryable: true });
  return parseAudioProbeJson(outcome.stdout).mapErr((message) => ({ message, retryable: false }));
}
