import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { locateBinary } from '../src/adapters/ffmpeg/binaries.js';
import { FfmpegVideoRenderer } from '../src/adapters/ffmpeg/ffmpeg-video-renderer.js';
import { planStoryboard } from '../src/domain/storyboard.js';
import { VideoSpec } from '../src/domain/video-spec.js';
import {
  absolute,
  ffmpegVersion,
  fmt,
  isQuick,
  met,
  median,
  printSection,
  type Row,
  type Section,
} from './lib/report.js';
import { cpuSecondsWithChildren, isMain } from './lib/services.js';

/** Context sized so the storyboard comes to ~21 s (title 4 s + one content card + summary). */
const CONTEXT =
  'In every right triangle, the square of the hypotenuse equals the sum of the squares of the two legs.';

interface Timing {
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
}

async function timed(f: () => Promise<void>): Promise<Timing> {
  const cpu0 = cpuSecondsWithChildren();
  const t0 = performance.now();
  await f();
  return { wallSeconds: (performance.now() - t0) / 1000, cpuSeconds: cpuSecondsWithChildren() - cpu0 };
}

function runFfmpeg(ffmpeg: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpeg, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`ffmpeg exited ${code}: ${err}`)),
    );
  });
}

/**
 * Render benchmark (DESIGN §9): `FfmpegVideoRenderer` on a ~20 s 720p storyboard (quality
 * `medium`: 1280x720, 30 fps, x264 veryfast CRF 23, AAC 128k) beside a bare FFmpeg encode of a flat
 * colour source and a silent AAC track of the same duration and settings; alternated, 3 runs each.
 */
export async function runRender(options: { quick: boolean }): Promise<Section> {
  const runs = options.quick ? 1 : 3;
  const workRoot = await mkdtemp(path.join(tmpdir(), 'framecast-bench-render-'));
  const ffmpeg = locateBinary(undefined, '@ffmpeg-installer/ffmpeg', () => undefined);
  if ('problem' in ffmpeg) throw new Error(ffmpeg.problem);
  const renderer = new FfmpegVideoRenderer({ workRoot });
  try {
    const spec = VideoSpec.create({
      topic: 'The Pythagorean theorem',
      context: CONTEXT,
      quality: 'medium',
      aspectRatio: '16:9',
      narration: false,
    });
    if (spec.isErr()) throw new Error(JSON.stringify(spec.error));
    const storyboard = planStoryboard(spec.value);
    const settings = VideoSpec.renderSettings(spec.value);
    let duration = storyboard.estimatedSeconds;
    const pipelineRun = async (i: number): Promise<Timing> => {
      const controller = new AbortController();
      let disposed: (() => Promise<void>) | null = null;
      const t = await timed(async () => {
        const result = await renderer.render(
          { jobId: `bench-${i}`, spec: spec.value, storyboard },
          { signal: controller.signal, onProgress: () => undefined },
        );
        if (result.isErr()) throw new Error(JSON.stringify(result.error));
        duration = result.value.probe.durationSeconds;
        disposed = () => result.value.dispose();
      });
      await (disposed as (() => Promise<void>) | null)?.();
      return t;
    };
    const bareRun = (i: number): Promise<Timing> =>
      timed(() =>
        runFfmpeg(ffmpeg.path, [
          '-hide_banner',
          '-nostdin',
          '-y',
          '-loglevel',
          'error',
          '-f',
          'lavfi',
          '-i',
          `color=c=0x1e293b:s=${settings.width}x${settings.height}:r=${settings.fps}`,
          '-f',
          'lavfi',
          '-i',
          'anullsrc=r=44100:cl=mono',
          '-t',
          duration.toFixed(3),
          '-c:v',
          'libx264',
          '-preset',
          settings.preset,
          '-crf',
          String(settings.crf),
          '-pix_fmt',
          'yuv420p',
          '-c:a',
          'aac',
          '-b:a',
          `${settings.audioBitrateKbps}k`,
          '-movflags',
          '+faststart',
          path.join(workRoot, `bare-${i}.mp4`),
        ]),
      );
    // Warm-up: fonts, canvas, page cache of the binaries (not counted); also fixes `duration`.
    await pipelineRun(-1);
    const pipeline: Timing[] = [];
    const bare: Timing[] = [];
    for (let i = 0; i < runs; i += 1) {
      bare.push(await bareRun(i));
      pipeline.push(await pipelineRun(i));
    }
    const pw = median(pipeline.map((t) => t.wallSeconds));
    const pc = median(pipeline.map((t) => t.cpuSeconds));
    const bw = median(bare.map((t) => t.wallSeconds));
    const bc = median(bare.map((t) => t.cpuSeconds));
    const rows: Row[] = [
      {
        metric: `wall time, ${duration.toFixed(1)} s of 720p`,
        framecast: fmt.s(pw),
        reference: fmt.s(bw),
        ratio: fmt.ratio(pw / bw),
        target: '≤ 1.3x bare; < 10 s',
        met: met(pw / bw <= 1.3 && pw < 10),
      },
      {
        metric: 'CPU time (user + system, incl. children)',
        framecast: fmt.s(pc),
        reference: fmt.s(bc),
        ratio: fmt.ratio(pc / bc),
        target: '—',
        met: '—',
      },
      {
        metric: 'real-time factor (video seconds per wall second)',
        framecast: `${(duration / pw).toFixed(2)}x`,
        reference: `${(duration / bw).toFixed(2)}x`,
        ratio: fmt.ratio(duration / pw / (duration / bw)),
        target: '—',
        met: '—',
      },
      absolute('runs (medians reported)', `${runs}`),
    ];
    return {
      title: 'Render (FfmpegVideoRenderer, quality medium: 1280x720 30 fps, x264 veryfast CRF 23)',
      rows,
      notes: [
        `Storyboard of ${storyboard.scenes.length} scenes planned from a short context (estimate ${storyboard.estimatedSeconds} s; the MP4 is ${duration.toFixed(2)} s), narration off (the narration stage needs espeak-ng, ~0.4 s per sentence, and has no FFmpeg counterpart): paint PNGs with @napi-rs/canvas, one ffmpeg compose (fades, subtitles, dynaudnorm, +faststart), thumbnail, ffprobe.`,
        `Reference: \`ffmpeg -f lavfi -i color=... -f lavfi -i anullsrc -t ${duration.toFixed(3)}\` with the same size, fps, preset, CRF, pix_fmt, AAC bitrate and +faststart. ${ffmpegVersion(ffmpeg.path)}.`,
        `Alternated bare/pipeline, ${runs} run(s) each after one pipeline warm-up; CPU from /proc/self/stat (this process + reaped children).`,
      ],
    };
  } finally {
    await rm(workRoot, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) {
  printSection(await runRender({ quick: isQuick() }));
}
