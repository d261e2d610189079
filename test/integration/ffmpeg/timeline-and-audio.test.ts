import { describe, expect, it } from 'vitest';
import {
  composeArgs,
  composeFilterGraph,
  FADE_FRAME_X264_OPTIONS,
  fadeZones,
} from '../../../src/adapters/ffmpeg/compose-command.js';
import { parseFrameRate, parseProbeJson } from '../../../src/adapters/ffmpeg/ffprobe.js';
import { describeFailure } from '../../../src/adapters/ffmpeg/process-group.js';
import { planTimeline, TIMELINE_RULES } from '../../../src/adapters/ffmpeg/timeline.js';
import { encodeWav, layoutNarrationTrack, parseWav, pcmSeconds } from '../../../src/adapters/ffmpeg/wav.js';

const scenes = [{ estimatedSeconds: 4 }, { estimatedSeconds: 7.35 }, { estimatedSeconds: 5 }];

describe('planTimeline', () => {
  it('without narration uses estimatedSeconds rounded up to whole frames, back to back', () => {
    const t = planTimeline(scenes, null, 30);
    expect(t.slots.map((s) => s.frames)).toEqual([120, 221, 150]);
    expect(t.slots.map((s) => s.startFrame)).toEqual([0, 120, 341]);
    expect(t.totalFrames).toBe(491);
    expect(t.totalSeconds).toBeCloseTo(491 / 30, 9);
    expect(t.slots[1]!.startSeconds).toBe(t.slots[0]!.endSeconds);
  });

  it('with narration follows speech plus padding, with a minimum', () => {
    const t = planTimeline(scenes, [3, 0.2, 10], 15);
    const r = TIMELINE_RULES;
    expect(t.slots[0]!.frames).toBe(Math.ceil((r.leadSeconds + 3 + r.tailSeconds) * 15));
    expect(t.slots[1]!.frames).toBe(r.minSceneSeconds * 15);
    expect(t.slots[2]!.speechStartSeconds).toBeCloseTo(t.slots[2]!.startSeconds + r.leadSeconds, 9);
    expect(t.slots.every((s) => s.fadeFrames >= 1 && s.fadeFrames <= s.frames / 4)).toBe(true);
  });
});

describe('narration track', () => {
  const tone = (seconds: number, rate = 22_050) => ({
    sampleRate: rate,
    channels: 1,
    bitsPerSample: 16,
    data: Buffer.alloc(Math.round(seconds * rate) * 2, 1),
  });

  it('round-trips a WAV and measures its length', () => {
    const wav = parseWav(encodeWav(tone(1.5)));
    expect(wav && pcmSeconds(wav)).toBeCloseTo(1.5, 4);
    expect(parseWav(Buffer.from('not a wav file at all'))).toBeNull();
  });

  it('places clips at speech starts and is exactly the timeline long', () => {
    const t = planTimeline(scenes, [1, 2, 0.5], 30);
    const track = parseWav(layoutNarrationTrack(t, [tone(1), tone(2), tone(0.5)], 22_050)!)!;
    expect(track.data.length).toBe(Math.round(t.totalSeconds * 22_050) * 2);
    const firstSample = track.data.indexOf(1);
    expect(firstSample / 2 / 22_050).toBeCloseTo(TIMELINE_RULES.leadSeconds, 3);
    expect(layoutNarrationTrack(t, [tone(1, 16_000), null, null], 22_050)).toBeNull();
  });
});

describe('compose command', () => {
  const timeline = planTimeline(scenes, null, 30);
  const settings = { width: 1280, height: 720, fps: 30, preset: 'veryfast', crf: 23, audioBitrateKbps: 128 };

  it('loops each still for its exact frame count with fades, and never adds an fps filter', () => {
    const graph = composeFilterGraph(timeline, { video: 2, narration: 0, music: null });
    expect(graph).toContain('[2:v]split=3[s0][s1][s2];');
    expect(graph).toContain('[s0]trim=start_frame=0:end_frame=1,format=yuv420p,split=3[fi0][st0][fo0]');
    expect(graph).toContain('[fi0]loop=loop=5:size=1:start=0,setpts=N/(30*TB),fade=t=in:s=0:n=6[a0]');
    expect(graph).toContain('[st0]loop=loop=107:size=1:start=0,setpts=N/(30*TB)[b0]');
    expect(graph).toContain('[fo0]loop=loop=5:size=1:start=0,setpts=N/(30*TB),fade=t=out:s=0:n=6[c0]');
    expect(graph).toContain('[s2]trim=start_frame=2:end_frame=3,format=yuv420p');
    expect(graph).toContain('[a0][b0][c0][a1][b1][c1][a2][b2][c2]concat=n=9:v=1:a=0[vout]');
    expect(graph).toContain('[0:a]dynaudnorm');
    expect(graph).not.toMatch(/(^|[,;\]])fps=/);
    // Only fade frames pass through `fade`; the segments add up to the timeline's frames.
    expect(graph).not.toMatch(/\[st\d+\][^;]*fade=/);
    const frames = [...graph.matchAll(/loop=loop=(\d+)/g)].reduce((sum, m) => sum + Number(m[1]) + 1, 0);
    expect(frames).toBe(timeline.totalFrames);
  });

  it('fades a slot too short for 2-frame segments in one chain, and needs no split for one scene', () => {
    const short = planTimeline([{ estimatedSeconds: 1 }], null, 6); // 6 frames, 1-frame fades
    const graph = composeFilterGraph(short, { video: 0, narration: null, music: null });
    expect(graph).toBe(
      '[0:v]trim=start_frame=0:end_frame=1,format=yuv420p,loop=loop=5:size=1:start=0,setpts=N/(6*TB),' +
        'fade=t=in:s=0:n=1,fade=t=out:s=5:n=1[v0];[v0]concat=n=1:v=1:a=0[vout]',
    );
  });

  it('encodes h264/yuv420p + mono aac + mov_text with faststart and progress on stdout', () => {
    const args = composeArgs({
      audioWav: 'n.wav',
      subtitlesVtt: 's.vtt',
      output: 'out.mp4',
      timeline,
      settings,
    }).join(' ');
    expect(args).toContain('-progress pipe:1 -nostats');
    expect(args).toContain(
      '-i n.wav -i s.vtt -f rawvideo -pix_fmt rgba -video_size 1280x720 -framerate 30 -i pipe:0',
    );
    expect(args).toContain('-map [vout] -map [aout] -map 1:s -c:s mov_text');
    expect(args).toContain(`-c:v libx264 -x264-params zones=${fadeZones(timeline)} -preset veryfast -crf 23`);
    expect(args).toContain('-pix_fmt yuv420p');
    expect(args).toContain('-c:a aac -b:a 128k -ac 1');
    expect(args).toContain('-movflags +faststart out.mp4');
  });

  it('gives fade frames cheaper x264 analysis: one zone per run of fade frames', () => {
    // Frames 120, 221 and 150 with 6-frame fades: a scene's fade-out runs into the next fade-in.
    expect(fadeZones(timeline)).toBe(
      ['0,5', '114,125', '335,346', '485,490'].map((r) => `${r},${FADE_FRAME_X264_OPTIONS}`).join('/'),
    );
    expect(FADE_FRAME_X264_OPTIONS).not.toMatch(/:/); // ':' would split ffmpeg's -x264-params
  });

  it('without narration or music maps generated silence, exactly the video long, with no filter', () => {
    const args = composeArgs({ audioWav: null, subtitlesVtt: null, output: 'out.mp4', timeline, settings });
    const line = args.join(' ');
    expect(line).toContain(
      `-f lavfi -t ${timeline.totalSeconds.toFixed(3)} -i anullsrc=r=44100:cl=mono -f rawvideo`,
    );
    expect(line).toContain('-map [vout] -map 0:a -c:v libx264');
    expect(line).not.toContain('dynaudnorm');
    expect(line).not.toContain('[aout]');
    expect(line).toContain('[1:v]split=3');
  });
});

describe('ffprobe output', () => {
  it('maps streams and format to a VideoProbe', () => {
    const json = JSON.stringify({
      streams: [
        {
          codec_type: 'video',
          codec_name: 'h264',
          width: 640,
          height: 360,
          r_frame_rate: '15/1',
          avg_frame_rate: '15/1',
        },
        { codec_type: 'audio', codec_name: 'aac' },
      ],
      format: { duration: '12.500000', size: '123456', bit_rate: '79011' },
    });
    expect(parseProbeJson(json)._unsafeUnwrap()).toEqual({
      durationSeconds: 12.5,
      sizeBytes: 123456,
      width: 640,
      height: 360,
      fps: 15,
      videoCodec: 'h264',
      audioCodec: 'aac',
      bitrate: 79011,
    });
    expect(parseProbeJson('{"streams":[]}').isErr()).toBe(true);
    expect(parseProbeJson('nope').isErr()).toBe(true);
    expect(parseFrameRate('30000/1001')).toBeCloseTo(29.97, 2);
    expect(parseFrameRate('0/0')).toBe(0);
  });
});

describe('describeFailure', () => {
  const exited = (code: number | null, signal: NodeJS.Signals | null, stderrTail = '') =>
    ({ kind: 'exited', code, signal, stdout: '', stderrTail }) as const;

  it('classifies endings as retryable or not', () => {
    expect(describeFailure(exited(0, null), 'ffmpeg')).toBeNull();
    expect(describeFailure(exited(1, null, 'a\nb\nInvalid argument\n'), 'ffmpeg')).toEqual({
      message: 'ffmpeg exited with code 1: a | b | Invalid argument',
      retryable: false,
    });
    expect(describeFailure(exited(1, null, 'No space left on device'), 'ffmpeg')?.retryable).toBe(true);
    expect(describeFailure(exited(null, 'SIGKILL'), 'ffmpeg')?.retryable).toBe(true);
    expect(describeFailure({ kind: 'spawn-error', code: 'ENOENT', message: 'x' }, 'ffmpeg')?.retryable).toBe(
      false,
    );
    expect(describeFailure({ kind: 'spawn-error', code: 'EMFILE', message: 'x' }, 'ffmpeg')?.retryable).toBe(
      true,
    );
    expect(describeFailure({ kind: 'timeout', timeoutMs: 5, stderrTail: '' }, 'ffmpeg')?.retryable).toBe(
      true,
    );
  });
});
