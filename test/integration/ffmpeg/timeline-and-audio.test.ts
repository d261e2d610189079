import { describe, expect, it } from 'vitest';
import { composeArgs, composeFilterGraph } from '../../../src/adapters/ffmpeg/compose-command.js';
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
    const graph = composeFilterGraph(timeline, 3);
    expect(graph).toContain('[0:v]format=yuv420p,loop=loop=119:size=1:start=0');
    expect(graph).toContain('fade=t=out:s=212:n=9');
    expect(graph).toContain('[v0][v1][v2]concat=n=3:v=1:a=0[vout]');
    expect(graph).toContain('[3:a]dynaudnorm');
    expect(graph).not.toMatch(/(^|[,;\]])fps=/);
  });

  it('encodes h264/yuv420p + mono aac + mov_text with faststart and progress on stdout', () => {
    const args = composeArgs({
      scenePngs: ['a.png', 'b.png', 'c.png'],
      audioWav: 'n.wav',
      subtitlesVtt: 's.vtt',
      output: 'out.mp4',
      timeline,
      settings,
    }).join(' ');
    expect(args).toContain('-progress pipe:1 -nostats');
    expect(args).toContain('-map 4:s -c:s mov_text');
    expect(args).toContain('-c:v libx264 -preset veryfast -crf 23 -pix_fmt yuv420p');
    expect(args).toContain('-c:a aac -b:a 128k -ac 1');
    expect(args).toContain('-movflags +faststart out.mp4');
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
