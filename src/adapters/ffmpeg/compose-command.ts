import type { RenderSettings } from '../../domain/video-spec.js';
import type { Timeline } from './timeline.js';

/** Inputs and output of the compose step (paths) and the encoder settings. */
export interface ComposeInput {
  /** One still image per timeline slot, in order. */
  readonly scenePngs: readonly string[];
  /**
   * The narration track (WAV), exactly `timeline.totalSeconds` long (silent when narration is
   * off); `null` for none, allowed only with `music` (which then plays alone).
   */
  readonly audioWav: string | null;
  /** Background music (any format ffmpeg decodes), mixed by the rules of {@link MUSIC_RULES}. */
  readonly music?: string | null;
  /** WebVTT file to embed as a `mov_text` track, or `null` for none. */
  readonly subtitlesVtt: string | null;
  readonly output: string;
  readonly timeline: Timeline;
  readonly settings: RenderSettings;
  /** x264 threads (0 = automatic). */
  readonly threads?: number;
}

/** Output audio sample rate (Hz). */
export const OUTPUT_SAMPLE_RATE = 44_100;

/** The loudness step: a dynamic normaliser to a 0.9 peak (cheap; see {@link composeFilterGraph}). */
const LOUDNESS = 'dynaudnorm=f=150:g=15:p=0.9:m=8';
const MONO_FLOAT = `aformat=sample_fmts=fltp:sample_rates=${OUTPUT_SAMPLE_RATE}:channel_layouts=mono`;
/** `sidechaincompress` only takes doubles; `amerge` needs both inputs alike. */
const MONO_DOUBLE = `aformat=sample_fmts=dbl:sample_rates=${OUTPUT_SAMPLE_RATE}:channel_layouts=mono`;

/** How background music is mixed. */
export const MUSIC_RULES = {
  /** Gain of the (normalised) music under narration, in dB. */
  gainUnderNarrationDb: -18,
  /** Fade-in and fade-out lengths in seconds (each at most a quarter of the video). */
  fadeInSeconds: 1.5,
  fadeOutSeconds: 2,
  /**
   * Ducking under speech: a sidechain compressor keyed by the narration (threshold as linear
   * RMS, about -24 dBFS; ratio 3; attack and release in ms): normalised speech pushes the music
   * down by roughly 8–12 dB more, and it comes back within about half a second of a pause.
   * Measured cost: ~0.1 s CPU per minute of audio.
   */
  duck: 'threshold=0.063:ratio=3:attack=20:release=400',
  /** Narration gain in the sum, so speech peaks (0.9) plus ducked music stay under full scale. */
  narrationMixGain: 0.9,
} as const;

/** Audio inputs of the compose graph: input indexes of the narration and the music (`null` when absent). */
export interface AudioInputs {
  readonly narration: number | null;
  readonly music: number | null;
}

/**
 * The audio part of the graph, ending in `[aout]`:
 * - narration only: loudness step, resampled to 44.1 kHz;
 * - music only: normalised with the loudness step, padded or trimmed to the video length
 *   (the input is looped with `-stream_loop`), faded in and out;
 * - both: the narration normalised; the music normalised, lowered by
 *   {@link MUSIC_RULES.gainUnderNarrationDb}, fitted and faded, ducked under speech by a sidechain
 *   compressor keyed by the narration, and summed with it (no `amix`: it halves each input).
 *   The loudness step runs before the sum so pauses in speech don't pump the music up.
 */
export function audioFilterGraph(totalSeconds: number, inputs: AudioInputs): string[] {
  const { narration, music } = inputs;
  if (narration === null && music === null) throw new Error('the compose graph needs narration or music');
  if (music === null) return [`[${narration}:a]${LOUDNESS},aresample=${OUTPUT_SAMPLE_RATE}[aout]`];
  const total = totalSeconds.toFixed(3);
  const fadeIn = Math.min(MUSIC_RULES.fadeInSeconds, totalSeconds / 4).toFixed(3);
  const fadeOut = Math.min(MUSIC_RULES.fadeOutSeconds, totalSeconds / 4);
  const fit =
    `apad,atrim=end=${total},afade=t=in:st=0:d=${fadeIn},` +
    `afade=t=out:st=${(totalSeconds - fadeOut).toFixed(3)}:d=${fadeOut.toFixed(3)}`;
  const bed = `[${music}:a]aresample=${OUTPUT_SAMPLE_RATE},${MONO_FLOAT},${LOUDNESS}`;
  if (narration === null) return [`${bed},${fit}[aout]`];
  return [
    `[${narration}:a]${LOUDNESS},aresample=${OUTPUT_SAMPLE_RATE},${MONO_DOUBLE},asplit=2[voice][key]`,
    `${bed},volume=${MUSIC_RULES.gainUnderNarrationDb}dB,${fit},${MONO_DOUBLE}[bed]`,
    `[bed][key]sidechaincompress=${MUSIC_RULES.duck},${MONO_DOUBLE}[ducked]`,
    `[voice][ducked]amerge=inputs=2,pan=mono|c0=${MUSIC_RULES.narrationMixGain}*c0+c1[aout]`,
  ];
}

/**
 * The filter graph: each PNG is decoded once, converted to yuv420p once, repeated for its slot's
 * frame count (`loop`), re-timed to exact frame timestamps (`setpts=N/(fps*TB)`) and faded in and
 * out by frame numbers; the scenes are concatenated. No `fps` filter: timestamps are already on
 * the frame grid, so no frame is padded or dropped. Fade frames are the expensive ones to encode
 * (~14 ms CPU each at 720p veryfast), hence short fades. The audio is normalised with
 * `dynaudnorm` (single-pass `loudnorm` measured ~0.5 s per 30 s of audio, dynaudnorm ~0.02 s) and
 * resampled to 44.1 kHz; music is mixed in as {@link audioFilterGraph} says.
 *
 * @param audio the narration's input index, or the narration and music input indexes
 */
export function composeFilterGraph(timeline: Timeline, audio: number | AudioInputs): string {
  const chains = timeline.slots.map((slot, i) => {
    const fadeOutStart = Math.max(0, slot.frames - slot.fadeFrames);
    return (
      `[${i}:v]format=yuv420p,loop=loop=${slot.frames - 1}:size=1:start=0,setpts=N/(${timeline.fps}*TB),` +
      `fade=t=in:s=0:n=${slot.fadeFrames},fade=t=out:s=${fadeOutStart}:n=${slot.fadeFrames}[v${i}]`
    );
  });
  const labels = timeline.slots.map((_, i) => `[v${i}]`).join('');
  return [
    ...chains,
    `${labels}concat=n=${timeline.slots.length}:v=1:a=0[vout]`,
    ...audioFilterGraph(
      timeline.totalSeconds,
      typeof audio === 'number' ? { narration: audio, music: null } : audio,
    ),
  ].join(';');
}

/**
 * Arguments for the single ffmpeg run that writes the MP4: H.264 (libx264, yuv420p, preset and CRF
 * from the settings), mono AAC at the settings' bitrate, an optional `mov_text` subtitle track,
 * `+faststart`, and machine-readable progress on stdout (`-progress pipe:1 -nostats`). Music is
 * read looped (`-stream_loop -1`) and cut at the video length (`-t`) as it is decoded.
 */
export function composeArgs(input: ComposeInput): string[] {
  const { timeline, settings } = input;
  const fps = String(timeline.fps);
  const music = input.music ?? null;
  const narrationInput = input.audioWav === null ? null : input.scenePngs.length;
  const musicInput = music === null ? null : input.scenePngs.length + (narrationInput === null ? 0 : 1);
  const subtitleInput = input.scenePngs.length + (narrationInput === null ? 0 : 1) + (music === null ? 0 : 1);
  return [
    '-hide_banner',
    '-nostdin',
    '-y',
    '-loglevel',
    'error',
    '-progress',
    'pipe:1',
    '-nostats',
    ...input.scenePngs.flatMap((png) => ['-framerate', fps, '-i', png]),
    ...(input.audioWav === null ? [] : ['-i', input.audioWav]),
    ...(music === null ? [] : ['-stream_loop', '-1', '-t', timeline.totalSeconds.toFixed(3), '-i', music]),
    ...(input.subtitlesVtt ? ['-i', input.subtitlesVtt] : []),
    '-filter_complex',
    composeFilterGraph(timeline, { narration: narrationInput, music: musicInput }),
    '-map',
    '[vout]',
    '-map',
    '[aout]',
    ...(input.subtitlesVtt ? ['-map', `${subtitleInput}:s`, '-c:s', 'mov_text'] : []),
    '-c:v',
    'libx264',
    '-preset',
    settings.preset,
    '-crf',
    String(settings.crf),
    '-pix_fmt',
    'yuv420p',
    '-threads',
    String(input.threads ?? 0),
    '-c:a',
    'aac',
    '-b:a',
    `${settings.audioBitrateKbps}k`,
    '-ac',
    '1',
    '-movflags',
    '+faststart',
    input.output,
  ];
}

/**
 * Arguments for the thumbnail: one frame at `atSeconds` (input seeking), scaled to 640 px wide,
 * JPEG quality 3.
 */
export function thumbnailArgs(video: string, output: string, atSeconds: number): string[] {
  return [
    '-hide_banner',
    '-nostdin',
    '-y',
    '-loglevel',
    'error',
    '-ss',
    atSeconds.toFixed(3),
    '-i',
    video,
    '-frames:v',
    '1',
    '-vf',
    'scale=640:-2',
    '-q:v',
    '3',
    output,
  ];
}
