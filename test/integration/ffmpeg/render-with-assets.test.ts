import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audioFilterGraph } from '../../../src/adapters/ffmpeg/compose-command.js';
import { FfmpegVideoRenderer } from '../../../src/adapters/ffmpeg/ffmpeg-video-renderer.js';
import { logoBox } from '../../../src/adapters/ffmpeg/scene-assets.js';
import { planTimeline } from '../../../src/adapters/ffmpeg/timeline.js';
import { encodeWav, parseWav, pcmSeconds } from '../../../src/adapters/ffmpeg/wav.js';
import {
  ffmpegPath,
  ffprobe,
  freshWorkRoot,
  makeRequest,
  progressLog,
  removeWorkRoots,
  SHORT_CONTEXT,
} from './ffmpeg-test-support.js';

const live = (): AbortSignal => new AbortController().signal;
const BACKGROUND_RGB = [220, 30, 30] as const;

/** A mono 16-bit WAV of `tones` (Hz, amplitude 0–1, on/off gate) lasting `seconds`. */
function toneWav(
  seconds: number,
  hz: number,
  options: { amplitude?: number; gate?: (t: number) => boolean } = {},
) {
  const rate = 22_050;
  const data = Buffer.alloc(Math.round(seconds * rate) * 2);
  for (let i = 0; i < data.length / 2; i++) {
    const t = i / rate;
    const on = options.gate?.(t) ?? true;
    data.writeInt16LE(
      on ? Math.round(32_767 * (options.amplitude ?? 0.4) * Math.sin(2 * Math.PI * hz * t)) : 0,
      i * 2,
    );
  }
  return encodeWav({ sampleRate: rate, channels: 1, bitsPerSample: 16, data });
}

/** RMS level (dBFS) of `file` between `start` and `start + duration` seconds, after an optional filter. */
function rmsDb(file: string, start: number, duration: number, filter?: string): number {
  const out = spawnSync(
    ffmpegPath,
    [
      '-hide_banner',
      '-nostdin',
      '-ss',
      start.toFixed(3),
      '-t',
      duration.toFixed(3),
      '-i',
      file,
      '-af',
      `${filter ? `${filter},` : ''}astats=metadata=0`,
      '-f',
      'null',
      '-',
    ],
    { encoding: 'utf8' },
  );
  const match = /Overall[\s\S]*?RMS level dB: (-?[\d.]+|-inf)/.exec(out.stderr);
  if (!match?.[1]) throw new Error(`no RMS in: ${out.stderr.slice(-500)}`);
  return match[1] === '-inf' ? -Infinity : Number(match[1]);
}

/** The RGBA pixel at (x, y) of the frame of `video` at `atSeconds`. */
async function framePixels(video: string, atSeconds: number): Promise<(x: number, y: number) => number[]> {
  const png = join(dirname(video), `frame-${atSeconds}.png`);
  const out = spawnSync(ffmpegPath, [
    '-v',
    'error',
    '-y',
    '-ss',
    String(atSeconds),
    '-i',
    video,
    '-frames:v',
    '1',
    png,
  ]);
  if (out.status !== 0) throw new Error(String(out.stderr));
  const image = await loadImage(readFileSync(png));
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  const { data } = ctx.getImageData(0, 0, image.width, image.height);
  return (x, y) => {
    const i = (Math.round(y) * image.width + Math.round(x)) * 4;
    return [data[i] ?? -1, data[i + 1] ?? -1, data[i + 2] ?? -1];
  };
}

describe('FfmpegVideoRenderer with uploaded assets', () => {
  let assetsDir: string;
  const files = { background: '', logo: '', music: '' };

  beforeAll(async () => {
    assetsDir = freshWorkRoot();
    const background = createCanvas(320, 180);
    const bg = background.getContext('2d');
    bg.fillStyle = `rgb(${BACKGROUND_RGB.join(',')})`;
    bg.fillRect(0, 0, 320, 180);
    files.background = join(assetsDir, 'background.png');
    writeFileSync(files.background, await background.encode('png'));
    const logo = createCanvas(200, 100);
    const lg = logo.getContext('2d');
    lg.fillStyle = '#00ff00';
    lg.fillRect(0, 0, 200, 100);
    files.logo = join(assetsDir, 'logo.png');
    writeFileSync(files.logo, await logo.encode('png'));
    // 1.5 s of 440 Hz: shorter than any video, so it must loop.
    files.music = join(assetsDir, 'music.wav');
    writeFileSync(files.music, toneWav(1.5, 440));
  });
  afterAll(removeWorkRoots);

  it('draws the background and logo on every card and mixes the music under the narration', async () => {
    const workRoot = freshWorkRoot();
    const renderer = new FfmpegVideoRenderer({ workRoot });
    const request = makeRequest({ context: SHORT_CONTEXT, quality: 'preview', narration: true });
    const { onProgress } = progressLog();

    const result = await renderer.render(
      {
        ...request,
        assets: { backgroundPath: files.background, logoPath: files.logo, musicPath: files.music },
      },
      { signal: live(), onProgress },
    );

    expect(result.isOk(), JSON.stringify(result.isErr() ? result.error : null)).toBe(true);
    const video = result._unsafeUnwrap();
    const probe = ffprobe(video.videoPath);
    const audio = probe.streams.find((s) => s.codec_type === 'audio');
    const picture = probe.streams.find((s) => s.codec_type === 'video');
    expect(audio?.codec_name).toBe('aac');
    const dir = dirname(video.videoPath);
    const speech = request.storyboard.scenes.map((s) =>
      pcmSeconds(parseWav(readFileSync(join(dir, `speech-${s.index}.wav`)))!),
    );
    const timeline = planTimeline(request.storyboard.scenes, speech, 15);
    expect(Math.abs(Number(audio?.duration) - timeline.totalSeconds)).toBeLessThan(0.1);
    expect(Math.abs(Number(audio?.duration) - Number(picture?.duration))).toBeLessThan(0.1);

    // Every card: the background shows through the overlay, the logo sits top-right.
    const box = logoBox(640, 360);
    const scale = Math.min(box.width / 200, box.height / 100);
    const logoCentre = { x: 640 - 640 * 0.07 - (200 * scale) / 2, y: 360 * 0.07 + (100 * scale) / 2 };
    for (const slot of timeline.slots) {
      const pixel = await framePixels(video.videoPath, (slot.startSeconds + slot.endSeconds) / 2);
      const [r, g, b] = pixel(6, 180);
      expect(r, `background red at scene ${slot.index}`).toBeGreaterThan(60);
      expect(r! - b!).toBeGreaterThan(25);
      expect(r! - g!).toBeGreaterThan(25);
      const [lr, lg, lb] = pixel(logoCentre.x, logoCentre.y);
      expect(lg, `logo green at scene ${slot.index}`).toBeGreaterThan(180);
      expect(lr).toBeLessThan(100);
      expect(lb).toBeLessThan(100);
    }

    // In the pause between the first two scenes the narration is silent, the music is not.
    const [first, second] = timeline.slots;
    const pauseStart = first!.speechStartSeconds + first!.speechSeconds + 0.2;
    const pauseLength = second!.speechStartSeconds - 0.05 - pauseStart;
    expect(pauseLength).toBeGreaterThan(0.4);
    expect(rmsDb(join(dir, 'narration.wav'), pauseStart, pauseLength)).toBeLessThan(-60);
    const musicDb = rmsDb(video.videoPath, pauseStart, pauseLength);
    expect(musicDb).toBeGreaterThan(-40);
    expect(musicDb).toBeLessThan(-12);

    await video.dispose();
    expect(readdirSync(workRoot)).toEqual([]);
  });

  it('plays the music alone, looped to the video length, when narration is off', async () => {
    const workRoot = freshWorkRoot();
    const renderer = new FfmpegVideoRenderer({ workRoot });
    const request = makeRequest({ context: SHORT_CONTEXT, quality: 'preview', narration: false });

    const result = await renderer.render(
      { ...request, assets: { musicPath: files.music } },
      {
        signal: live(),
        onProgress: () => {},
      },
    );

    const video = result._unsafeUnwrap();
    const probe = ffprobe(video.videoPath);
    const audio = probe.streams.find((s) => s.codec_type === 'audio');
    const total = planTimeline(request.storyboard.scenes, null, 15).totalSeconds;
    expect(total).toBeGreaterThan(6);
    expect(audio?.codec_name).toBe('aac');
    expect(Math.abs(Number(audio?.duration) - total)).toBeLessThan(0.1);
    // Well past the 1.5 s file and before the fade-out: still playing at full level.
    expect(rmsDb(video.videoPath, total - 4, 1.5)).toBeGreaterThan(-12);
    // Faded in from silence.
    expect(rmsDb(video.videoPath, 0, 0.1)).toBeLessThan(rmsDb(video.videoPath, 2, 0.5) - 10);
    expect(existsSync(join(dirname(video.videoPath), 'narration.wav'))).toBe(false);
    await video.dispose();
  });

  it('fails rendering, not retryable, on a background that is not an image, and cleans up', async () => {
    const workRoot = freshWorkRoot();
    const notImage = join(assetsDir, 'not-an-image.png');
    writeFileSync(notImage, 'this is text, not a PNG');
    const result = await new FfmpegVideoRenderer({ workRoot }).render(
      { ...makeRequest({ quality: 'preview', narration: false }), assets: { backgroundPath: notImage } },
      { signal: live(), onProgress: () => {} },
    );
    expect(result._unsafeUnwrapErr()).toMatchObject({
      type: 'RenderFailed',
      stage: 'rendering',
      retryable: false,
    });
    expect(result._unsafeUnwrapErr()).toHaveProperty(
      'message',
      expect.stringContaining('background image cannot be decoded'),
    );
    expect(readdirSync(workRoot)).toEqual([]);
  });

  it('fails composing, not retryable, on music ffmpeg cannot decode, and cleans up', async () => {
    const workRoot = freshWorkRoot();
    const notAudio = join(assetsDir, 'noise.mp3');
    writeFileSync(notAudio, Buffer.alloc(4096, 0x5a));
    const result = await new FfmpegVideoRenderer({ workRoot }).render(
      { ...makeRequest({ quality: 'preview', narration: false }), assets: { musicPath: notAudio } },
      { signal: live(), onProgress: () => {} },
    );
    expect(result._unsafeUnwrapErr()).toMatchObject({
      type: 'RenderFailed',
      stage: 'composing',
      retryable: false,
    });
    expect(result._unsafeUnwrapErr()).toHaveProperty(
      'message',
      expect.stringContaining('music file cannot be used'),
    );
    expect(readdirSync(workRoot)).toEqual([]);
  });
});

describe('music mix', () => {
  it('ducks the music under speech and keeps it about 18 dB under the narration', () => {
    const dir = freshWorkRoot();
    // "Speech": 300 Hz, on for the first 2 s of every 4 s; music: a steady 3 kHz tone.
    writeFileSync(join(dir, 'voice.wav'), toneWav(16, 300, { amplitude: 0.5, gate: (t) => t % 4 < 2 }));
    writeFileSync(join(dir, 'music.wav'), toneWav(16, 3000, { amplitude: 0.5 }));
    const out = join(dir, 'mix.wav');
    const run = spawnSync(ffmpegPath, [
      '-v',
      'error',
      '-y',
      '-i',
      join(dir, 'voice.wav'),
      '-i',
      join(dir, 'music.wav'),
      '-filter_complex',
      audioFilterGraph(16, { narration: 0, music: 1 }).join(';'),
      '-map',
      '[aout]',
      out,
    ]);
    expect(run.status, String(run.stderr)).toBe(0);
    const musicBand = 'highpass=f=1500,highpass=f=1500';
    const voiceBand = 'lowpass=f=800,lowpass=f=800';
    // Windows away from the edges, the fades and the compressor's attack and release.
    const duringSpeech = rmsDb(out, 8.6, 1.2, musicBand);
    const inPause = rmsDb(out, 11, 0.9, musicBand);
    const voice = rmsDb(out, 8.6, 1.2, voiceBand);
    expect(inPause - duringSpeech).toBeGreaterThan(6);
    expect(inPause - duringSpeech).toBeLessThan(18);
    expect(voice - inPause).toBeGreaterThan(12);
    expect(voice - inPause).toBeLessThan(24);
  });
});
