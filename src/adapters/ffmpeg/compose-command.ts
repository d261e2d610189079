import type { RenderSettings } from '../../domain/video-spec.js';
import type { Timeline } from './timeline.js';

/**
 * Inputs and output of the compose step (paths) and the encoder settings. The scene stills are
 * not files: they arrive on ffmpeg's stdin as raw RGBA frames (`settings.width` x
 * `settings.height`, 4 bytes per pixel), one frame per timeline slot, in slot order (see
 * {@link SCENE_FRAME_PIXEL_FORMAT}).
 */
export interface ComposeInput {
  /**
   * The narration track (WAV), exactly `timeline.totalSeconds` long; `null` for none. With
   * neither narration nor `music` the audio track is generated silence (no file, no loudness step).
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

/** Pixel format of the scene frames written to ffmpeg's stdin (what `ImageData` holds). */
export const SCENE_FRAME_PIXEL_FORMAT = 'rgba';

/** Bytes of one raw scene frame of `width` x `height` px. */
export const sceneFrameBytes = (size: { readonly width: number; readonly height: number }): number =>
  size.width * size.height * 4;

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

/** Input indexes of the compose graph: the scene frames (stdin) and the audio (see {@link AudioInputs}). */
export interface ComposeInputs extends AudioInputs {
  readonly video: number;
}

/**
 * The video part of the graph, ending in `[vout]`. The scene frames arrive as one stream (frame
 * `i` is scene `i`); `split` + `trim` pick each scene's still, which is converted to yuv420p once,
 * repeated for its slot's frame count (`loop`), re-timed to exact frame timestamps
 * (`setpts=N/(fps*TB)`) and faded in and out; the scenes are concatenated. No `fps` filter:
 * timestamps are already on the frame grid, so no frame is padded or dropped.
 *
 * Each still is cut into three segments (fade-in, steady, fade-out) so that only the fade frames
 * pass through `fade`: the filter makes every frame it sees writable (a full-frame copy), so
 * fading the whole scene copied every frame of the video. The pixels are the same either way.
 * Slots too short for segments of at least 2 frames (`concat` times a 1-frame segment as 0 s)
 * are faded in one chain. Fade frames are the expensive ones to encode (~14 ms CPU each at 720p
 * veryfast, a whole frame changes), hence short fades.
 */
export function sceneVideoGraph(timeline: Timeline, videoInput: number): string[] {
  const count = timeline.slots.length;
  const hold = (frames: number): string =>
    `loop=loop=${frames - 1}:size=1:start=0,setpts=N/(${timeline.fps}*TB)`;
  const chains =
    count > 1 ? [`[${videoInput}:v]split=${count}${timeline.slots.map((_, i) => `[s${i}]`).join('')}`] : [];
  const segments: string[] = [];
  timeline.slots.forEach((slot, i) => {
    const source = count > 1 ? `[s${i}]` : `[${videoInput}:v]`;
    const still = `${source}trim=start_frame=${i}:end_frame=${i + 1},format=yuv420p`;
    const fade = slot.fadeFrames;
    const steady = slot.frames - 2 * fade;
    if (fade >= 2 && steady >= 2) {
      chains.push(
        `${still},split=3[fi${i}][st${i}][fo${i}]`,
        `[fi${i}]${hold(fade)},fade=t=in:s=0:n=${fade}[a${i}]`,
        `[st${i}]${hold(steady)}[b${i}]`,
        `[fo${i}]${hold(fade)},fade=t=out:s=0:n=${fade}[c${i}]`,
      );
      segments.push(`[a${i}]`, `[b${i}]`, `[c${i}]`);
    } else {
      const fadeOutStart = Math.max(0, slot.frames - fade);
      chains.push(
        `${still},${hold(slot.frames)},fade=t=in:s=0:n=${fade},fade=t=out:s=${fadeOutStart}:n=${fade}[v${i}]`,
      );
      segments.push(`[v${i}]`);
    }
  });
  chains.push(`${segments.join('')}concat=n=${segments.length}:v=1:a=0[vout]`);
  return chains;
}

/**
 * x264 options for fade frames (a zone per fade, see {@link fadeZones}): full-pixel diamond
 * motion search, no sub-pixel refinement. The cards are still pictures, so the true motion in a
 * fade is zero and the wider search and refinement of the preset find nothing better, while
 * every macroblock of a fade frame changes, so they cost ~10 ms CPU per frame at 720p. Measured
 * on the bench storyboard (then with 0.3 s fades): fade-frame PSNR against the unencoded frames
 * 45.02 dB with the zones and 45.03 dB without; CPU of the compose 2.65 s instead of 3.11 s (no
 * fades at all: 2.51 s).
 */
export const FADE_FRAME_X264_OPTIONS = 'subme=0,me=dia';

/**
 * The x264 `zones` value giving fade frames {@link FADE_FRAME_X264_OPTIONS}: one zone
 * `<first>,<last>,<options>` (output frame numbers, inclusive) per run of fade frames, a scene's
 * fade-out merged with the next scene's fade-in; zones are separated by `/`. Empty when there
 * are no fades.
 */
export function fadeZones(timeline: Timeline): string {
  const runs: [number, number][] = [];
  const add = (first: number, last: number): void => {
    const previous = runs.at(-1);
    if (previous !== undefined && previous[1] + 1 >= first) previous[1] = Math.max(previous[1], last);
    else runs.push([first, last]);
  };
  for (const slot of timeline.slots) {
    const fade = Math.min(slot.fadeFrames, slot.frames);
    if (fade <= 0) continue;
    add(slot.startFrame, slot.startFrame + fade - 1);
    add(slot.startFrame + slot.frames - fade, slot.startFrame + slot.frames - 1);
  }
  return runs.map(([first, last]) => `${first},${last},${FADE_FRAME_X264_OPTIONS}`).join('/');
}

/**
 * The whole filter graph: {@link sceneVideoGraph} and, when there is narration or music,
 * {@link audioFilterGraph}. The audio is normalised with `dynaudnorm` (single-pass `loudnorm`
 * measured ~0.5 s per 30 s of audio, dynaudnorm ~0.02 s) and resampled to 44.1 kHz; music is
 * mixed in as {@link audioFilterGraph} says. Generated silence needs no filter (it is mapped as is).
 */
export function composeFilterGraph(timeline: Timeline, inputs: ComposeInputs): string {
  const audio =
    inputs.narration === null && inputs.music === null ? [] : audioFilterGraph(timeline.totalSeconds, inputs);
  return [...sceneVideoGraph(timeline, inputs.video), ...audio].join(';');
}

/**
 * Arguments for the single ffmpeg run that writes the MP4: H.264 (libx264, yuv420p, preset and CRF
 * from the settings), mono AAC at the settings' bitrate, an optional `mov_text` subtitle track,
 * `+faststart`, and machine-readable progress on stdout (`-progress pipe:1 -nostats`). Fade
 * frames get cheaper x264 analysis through zones ({@link fadeZones}).
 *
 * Inputs in order: the narration WAV, the music (read looped with `-stream_loop -1` and cut at
 * the video length with `-t`), generated silence (`anullsrc`, cut with `-t`) when there is
 * neither, the subtitles, and last the scene frames on stdin (raw RGBA at the output size and
 * rate): ffmpeg opens the files first and then waits for the first frame, so its start-up
 * overlaps the painting of the first scene.
 */
export function composeArgs(input: ComposeInput): string[] {
  const { timeline, settings } = input;
  const fps = String(timeline.fps);
  const total = timeline.totalSeconds.toFixed(3);
  const music = input.music ?? null;
  const silent = input.audioWav === null && music === null;
  let next = 0;
  const narrationInput = input.audioWav === null ? null : next++;
  const musicInput = music === null ? null : next++;
  const silenceInput = silent ? next++ : null;
  const subtitleInput = input.subtitlesVtt ? next++ : null;
  const videoInput = next;
  const zones = fadeZones(timeline);
  return [
    '-hide_banner',
    '-nostdin',
    '-y',
    '-loglevel',
    'error',
    '-progress',
    'pipe:1',
    '-nostats',
    ...(input.audioWav === null ? [] : ['-i', input.audioWav]),
    ...(music === null ? [] : ['-stream_loop', '-1', '-t', total, '-i', music]),
    ...(silent ? ['-f', 'lavfi', '-t', total, '-i', `anullsrc=r=${OUTPUT_SAMPLE_RATE}:cl=mono`] : []),
    ...(input.subtitlesVtt ? ['-i', input.subtitlesVtt] : []),
    '-f',
    'rawvideo',
    '-pix_fmt',
    SCENE_FRAME_PIXEL_FORMAT,
    '-video_size',
    `${settings.width}x${settings.height}`,
    '-framerate',
    fps,
    '-i',
    'pipe:0',
    '-filter_complex',
    composeFilterGraph(timeline, { video: videoInput, narration: narrationInput, music: musicInput }),
    '-map',
    '[vout]',
    '-map',
    silenceInput === null ? '[aout]' : `${silenceInput}:a`,
    ...(subtitleInput === null ? [] : ['-map', `${subtitleInput}:s`, '-c:s', 'mov_text']),
    '-c:v',
    'libx264',
    ...(zones === '' ? [] : ['-x264-params', `zones=${zones}`]),
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
