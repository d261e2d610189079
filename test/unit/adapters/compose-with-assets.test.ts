import { describe, expect, it } from 'vitest';
import { audioFilterGraph, composeArgs, MUSIC_RULES } from '../../../src/adapters/ffmpeg/compose-command.js';
import { parseAudioProbeJson } from '../../../src/adapters/ffmpeg/ffprobe.js';
import { logoBox } from '../../../src/adapters/ffmpeg/scene-assets.js';
import { planTimeline } from '../../../src/adapters/ffmpeg/timeline.js';

const scenes = [{ estimatedSeconds: 4 }, { estimatedSeconds: 6 }];
const timeline = planTimeline(scenes, null, 30); // 10 s
const settings = { width: 1280, height: 720, fps: 30, preset: 'veryfast', crf: 23, audioBitrateKbps: 128 };
const base = { output: 'out.mp4', timeline, settings } as const;

/** The value following `flag` in `args` at each occurrence. */
const inputsOf = (args: string[]): string[] =>
  args.flatMap((a, i) => (a === '-i' ? [args[i + 1] ?? ''] : []));
const graphOf = (args: string[]): string => args[args.indexOf('-filter_complex') + 1] ?? '';

describe('compose command with music', () => {
  it('reads the music looped and cut at the video length, after the narration, before the subtitles', () => {
    const args = composeArgs({ ...base, audioWav: 'n.wav', music: 'm.mp3', subtitlesVtt: 's.vtt' });
    expect(inputsOf(args)).toEqual(['n.wav', 'm.mp3', 's.vtt', 'pipe:0']);
    expect(args.join(' ')).toContain('-stream_loop -1 -t 10.000 -i m.mp3');
    expect(args.join(' ')).toContain('-map 2:s -c:s mov_text');
    const graph = graphOf(args);
    expect(graph).toContain('[3:v]split=2');
    expect(graph).toContain('[0:a]dynaudnorm');
    expect(graph).toContain('[1:a]aresample=44100');
    expect(graph).toContain('[bed][key]sidechaincompress=');
    expect(args.join(' ')).toContain('-map [vout] -map [aout]');
  });

  it('plays the music alone (no narration input) when there is no narration track', () => {
    const args = composeArgs({ ...base, audioWav: null, music: 'm.ogg', subtitlesVtt: 's.vtt' });
    expect(inputsOf(args)).toEqual(['m.ogg', 's.vtt', 'pipe:0']);
    expect(args.join(' ')).toContain('-map 1:s');
    expect(args.join(' ')).not.toContain('anullsrc');
    const graph = graphOf(args);
    expect(graph).toContain('[0:a]aresample=44100');
    expect(graph).not.toContain('sidechaincompress');
    expect(graph).not.toContain('volume=');
  });

  it('keeps the narration-only graph and inputs unchanged without music', () => {
    const args = composeArgs({ ...base, audioWav: 'n.wav', subtitlesVtt: null });
    expect(inputsOf(args)).toEqual(['n.wav', 'pipe:0']);
    expect(args).not.toContain('-stream_loop');
    expect(graphOf(args)).toMatch(/\[0:a\]dynaudnorm=f=150:g=15:p=0\.9:m=8,aresample=44100\[aout\]$/);
  });
});

describe('audio filter graph', () => {
  it('lowers, fits, fades and ducks the music under the narration, then sums the two', () => {
    const graph = audioFilterGraph(20, { narration: 3, music: 4 });
    expect(graph).toHaveLength(4);
    const [voice, bed, duck, sum] = graph;
    expect(voice).toMatch(/^\[3:a\]dynaudnorm=[^;]*asplit=2\[voice\]\[key\]$/);
    expect(bed).toMatch(/^\[4:a\]aresample=44100,aformat=[^,]*,dynaudnorm=[^,]*,volume=-18dB,/);
    expect(bed).toContain('apad,atrim=end=20.000,afade=t=in:st=0:d=1.500,afade=t=out:st=18.000:d=2.000');
    expect(duck).toBe(
      `[bed][key]sidechaincompress=${MUSIC_RULES.duck},aformat=sample_fmts=dbl:sample_rates=44100:channel_layouts=mono[ducked]`,
    );
    expect(sum).toBe('[voice][ducked]amerge=inputs=2,pan=mono|c0=0.9*c0+c1[aout]');
  });

  it('shortens the fades to a quarter of a short video', () => {
    const [, bed] = audioFilterGraph(2, { narration: 0, music: 1 });
    expect(bed).toContain('afade=t=in:st=0:d=0.500,afade=t=out:st=1.500:d=0.500');
  });

  it('normalises music alone before fading it (so the fades are not undone)', () => {
    const [only] = audioFilterGraph(10, { narration: null, music: 0 });
    expect(only?.indexOf('dynaudnorm')).toBeLessThan(only?.indexOf('afade') ?? -1);
    expect(only?.endsWith('[aout]')).toBe(true);
  });

  it('refuses a graph with neither narration nor music (programmer error)', () => {
    expect(() => audioFilterGraph(10, { narration: null, music: null })).toThrow(/narration or music/);
  });
});

describe('audio probe', () => {
  it('accepts a file with an audio stream and reports codec and duration', () => {
    const json = JSON.stringify({
      streams: [{ codec_type: 'audio', codec_name: 'mp3', duration: '3.2' }],
      format: { duration: '3.250000' },
    });
    expect(parseAudioProbeJson(json)._unsafeUnwrap()).toEqual({ durationSeconds: 3.25, codec: 'mp3' });
  });

  it('rejects no audio stream, a blip shorter than 50 ms and bad JSON', () => {
    expect(
      parseAudioProbeJson(JSON.stringify({ streams: [{ codec_type: 'video', codec_name: 'png' }] })),
    ).toMatchObject({ error: 'no audio stream' });
    const blip = {
      streams: [{ codec_type: 'audio', codec_name: 'pcm_s16le' }],
      format: { duration: '0.01' },
    };
    expect(parseAudioProbeJson(JSON.stringify(blip)).isErr()).toBe(true);
    expect(parseAudioProbeJson('nope').isErr()).toBe(true);
  });
});

describe('logo box', () => {
  it('is 12% of the shorter side high and at most 30% of the width wide', () => {
    expect(logoBox(1280, 720)).toEqual({ width: 384, height: 86 });
    expect(logoBox(720, 1280)).toEqual({ width: 216, height: 86 });
    expect(logoBox(640, 360)).toEqual({ width: 192, height: 43 });
  });
});
