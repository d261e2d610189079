import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { locateBinary } from '../src/adapters/ffmpeg/binaries.js';
import { FADE_FRAME_X264_OPTIONS, fadeZones } from '../src/adapters/ffmpeg/compose-command.js';
import { FfmpegVideoRenderer } from '../src/adapters/ffmpeg/ffmpeg-video-renderer.js';
import { planTimeline } from '../src/adapters/ffmpeg/timeline.js';
import type { Stage } from '../src/domain/job.js';
import { planStoryboard, type Storyboard } from '../src/domain/storyboard.js';
import { VideoSpec, type VideoSpecProps } from '../src/domain/video-spec.js';
import type { VideoRenderer } from '../src/ports/video-renderer.js';
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

/** A pipeline run: its timing and the renderer's own per-stage seconds. */
interface PipelineTiming extends Timing {
  readonly stageSeconds: Readonly<Partial<Record<Stage, number>>>;
  readonly videoSeconds: number;
}

/** The renderer class under test: this tree's, or another build's (`BENCH_RENDERER_BASELINE`). */
type RendererClass = new (options: { workRoot: string }) => VideoRenderer;

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

/** Medians of the stage breakdown of pipeline runs (seconds). */
function breakdown(runs: readonly PipelineTiming[]): {
  composing: number;
  thumbnail: number;
  before: number;
  painting: number;
  narration: number;
} {
  const stage = (name: Stage): number => median(runs.map((r) => r.stageSeconds[name] ?? 0));
  return {
    composing: stage('composing'),
    thumbnail: stage('thumbnail'),
    // Everything outside the ffmpeg compose and the final stage: work dir, narration (when on),
    // timeline, subtitle/WAV files, and (old pipeline) painting every PNG before the encode.
    before: median(
      runs.map((r) => r.wallSeconds - (r.stageSeconds.composing ?? 0) - (r.stageSeconds.thumbnail ?? 0)),
    ),
    painting: stage('rendering'),
    narration: stage('narration'),
  };
}

/**
 * Render benchmark (DESIGN §9): `FfmpegVideoRenderer` on a ~20 s 720p storyboard (quality
 * `medium`: 1280x720, 30 fps, x264 veryfast CRF 23, AAC 128k) beside a bare FFmpeg encode of a flat
 * colour source and a silent AAC track of the same duration and settings; alternated, 3 runs each
 * (`BENCH_RENDER_RUNS` to change). Rows also break the pipeline's wall time down by stage.
 *
 * Options (environment): `BENCH_RENDERER_BASELINE=<path to ffmpeg-video-renderer.ts or .js>` also
 * runs another build's renderer, interleaved (before/after in one run); `BENCH_RENDER_NARRATION=1`
 * also measures the narration-on path (espeak-ng; no FFmpeg counterpart, information only).
 */
export async function runRender(options: { quick: boolean }): Promise<Section> {
  const runs = Number(process.env['BENCH_RENDER_RUNS'] ?? (options.quick ? 1 : 3));
  const baselinePath = process.env['BENCH_RENDERER_BASELINE'];
  const withNarration = process.env['BENCH_RENDER_NARRATION'] === '1';
  const workRoot = await mkdtemp(path.join(tmpdir(), 'framecast-bench-render-'));
  const ffmpeg = locateBinary(undefined, '@ffmpeg-installer/ffmpeg', () => undefined);
  if ('problem' in ffmpeg) throw new Error(ffmpeg.problem);
  const renderer = new FfmpegVideoRenderer({ workRoot });
  const Baseline =
    baselinePath === undefined
      ? null
      : (
          (await import(pathToFileURL(path.resolve(baselinePath)).href)) as {
            FfmpegVideoRenderer: RendererClass;
          }
        ).FfmpegVideoRenderer;
  const baseline = Baseline === null ? null : new Baseline({ workRoot });
  try {
    const specOf = (narration: boolean): VideoSpecProps => {
      const spec = VideoSpec.create({
        topic: 'The Pythagorean theorem',
        context: CONTEXT,
        quality: 'medium',
        aspectRatio: '16:9',
        narration,
      });
      if (spec.isErr()) throw new Error(JSON.stringify(spec.error));
      return spec.value;
    };
    const spec = specOf(false);
    const storyboard = planStoryboard(spec);
    const settings = VideoSpec.renderSettings(spec);
    let duration = storyboard.estimatedSeconds;
    // The pipeline gives fade frames cheaper x264 analysis through zones: the reference gets the
    // same zones (same frame numbers), so its encoder settings stay exactly the pipeline's.
    const zones = fadeZones(planTimeline(storyboard.scenes, null, settings.fps));
    const pipelineRun = async (
      subject: VideoRenderer,
      i: number,
      request: { spec: VideoSpecProps; storyboard: Storyboard } = { spec, storyboard },
    ): Promise<PipelineTiming> => {
      const controller = new AbortController();
      let disposed: (() => Promise<void>) | null = null;
      let stageSeconds: PipelineTiming['stageSeconds'] = {};
      let videoSeconds = 0;
      const t = await timed(async () => {
        const result = await subject.render(
          { jobId: `bench-${i}`, ...request },
          { signal: controller.signal, onProgress: () => undefined },
        );
        if (result.isErr()) throw new Error(JSON.stringify(result.error));
        videoSeconds = result.value.probe.durationSeconds;
        stageSeconds = result.value.stageSeconds;
        disposed = () => result.value.dispose();
      });
      await (disposed as (() => Promise<void>) | null)?.();
      return { ...t, stageSeconds, videoSeconds };
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
          '-x264-params',
          `zones=${zones}`,
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
    duration = (await pipelineRun(renderer, -1)).videoSeconds;
    if (baseline !== null) await pipelineRun(baseline, -2);
    const pipeline: PipelineTiming[] = [];
    const before: PipelineTiming[] = [];
    const bare: Timing[] = [];
    for (let i = 0; i < runs; i += 1) {
      bare.push(await bareRun(i));
      if (baseline !== null) before.push(await pipelineRun(baseline, 1000 + i));
      pipeline.push(await pipelineRun(renderer, i));
    }
    const narrated: PipelineTiming[] = [];
    if (withNarration) {
      const narratedSpec = specOf(true);
      const request = { spec: narratedSpec, storyboard: planStoryboard(narratedSpec) };
      await pipelineRun(renderer, -3, request);
      for (let i = 0; i < runs; i += 1) narrated.push(await pipelineRun(renderer, 2000 + i, request));
    }
    const pw = median(pipeline.map((t) => t.wallSeconds));
    const pc = median(pipeline.map((t) => t.cpuSeconds));
    const bw = median(bare.map((t) => t.wallSeconds));
    const bc = median(bare.map((t) => t.cpuSeconds));
    const stages = breakdown(pipeline);
    const stageRow = (metric: string, seconds: number, vsBare = false): Row => ({
      metric,
      framecast: fmt.s(seconds),
      reference: vsBare ? fmt.s(bw) : '—',
      ratio: vsBare ? fmt.ratio(seconds / bw) : '—',
      target: '—',
      met: '—',
    });
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
      stageRow('· stage: before the encode (work dir, timeline, files)', stages.before),
      stageRow('· stage: composing (the one ffmpeg run)', stages.composing, true),
      stageRow('· stage: after the encode (thumbnail, ffprobe)', stages.thumbnail),
      stageRow('· painting busy time (overlaps the encode)', stages.painting),
    ];
    if (before.length > 0) {
      const ow = median(before.map((t) => t.wallSeconds));
      const old = breakdown(before);
      rows.push(
        {
          metric: 'wall time, baseline renderer (BENCH_RENDERER_BASELINE)',
          framecast: fmt.s(ow),
          reference: fmt.s(bw),
          ratio: fmt.ratio(ow / bw),
          target: '—',
          met: '—',
        },
        stageRow('· baseline CPU time', median(before.map((t) => t.cpuSeconds))),
        stageRow('· baseline stage: before the encode (incl. painting PNGs)', old.before),
        stageRow('· baseline stage: composing', old.composing, true),
        stageRow('· baseline stage: after the encode (thumbnail, ffprobe)', old.thumbnail),
        stageRow('· baseline painting (wall)', old.painting),
      );
    }
    if (narrated.length > 0) {
      const nb = breakdown(narrated);
      const nv = median(narrated.map((t) => t.videoSeconds));
      rows.push(
        stageRow(
          `narration on: wall time, ${nv.toFixed(1)} s of 720p`,
          median(narrated.map((t) => t.wallSeconds)),
        ),
        stageRow('· narration on: narration stage (espeak-ng child)', nb.narration),
        stageRow('· narration on: composing', nb.composing),
        stageRow('· narration on: CPU time', median(narrated.map((t) => t.cpuSeconds))),
      );
    }
    rows.push(absolute('runs (medians reported)', `${runs}`));
    return {
      title: 'Render (FfmpegVideoRenderer, quality medium: 1280x720 30 fps, x264 veryfast CRF 23)',
      rows,
      notes: [
        `Storyboard of ${storyboard.scenes.length} scenes planned from a short context (estimate ${storyboard.estimatedSeconds} s; the MP4 is ${duration.toFixed(2)} s), narration off (the narration stage needs espeak-ng, ~0.4 s per sentence, and has no FFmpeg counterpart): scenes painted with @napi-rs/canvas and streamed as raw frames into one ffmpeg compose (fades, subtitles, generated silence, +faststart) that starts at once; thumbnail JPEG from the first card during the encode; ffprobe.`,
        `Reference: \`ffmpeg -f lavfi -i color=... -f lavfi -i anullsrc -t ${duration.toFixed(3)}\` with the same size, fps, preset, CRF, pix_fmt, AAC bitrate, +faststart and x264 zones (the pipeline's fade frames use \`${FADE_FRAME_X264_OPTIONS}\`; the reference gets the same zones on the same frame numbers, where they change nothing a flat colour needs). ${ffmpegVersion(ffmpeg.path)}.`,
        `Alternated bare/${baseline === null ? '' : 'baseline/'}pipeline, ${runs} run(s) each after one warm-up per renderer; CPU from /proc/self/stat (this process + reaped children). Stage rows are medians of the renderer's own \`stageSeconds\`; "before the encode" is wall − composing − after.`,
      ],
    };
  } finally {
    await rm(workRoot, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) {
  printSection(await runRender({ quick: isQuick() }));
}
