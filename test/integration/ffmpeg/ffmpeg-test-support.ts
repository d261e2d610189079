import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planStoryboard, type Storyboard } from '../../../src/domain/storyboard.js';
import { VideoSpec, type VideoSpecInput } from '../../../src/domain/video-spec.js';
import type { RenderProgress } from '../../../src/ports/video-renderer.js';
import { ensureExecutable } from '../../../src/adapters/ffmpeg/binaries.js';

const require = createRequire(import.meta.url);

/** Paths of the npm-shipped binaries (the same the renderer uses by default). */
export const ffmpegPath = (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
export const ffprobePath = (require('@ffprobe-installer/ffprobe') as { path: string }).path;
ensureExecutable(ffprobePath, () => {});

const workRoots: string[] = [];

/** A fresh directory under the OS temp dir, to be the renderer's `workRoot`. */
export function freshWorkRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'framecast-ffmpeg-test-'));
  workRoots.push(root);
  return root;
}

/** Deletes every directory {@link freshWorkRoot} made (for `afterAll`). */
export function removeWorkRoots(): void {
  for (const root of workRoots.splice(0)) rmSync(root, { recursive: true, force: true });
}

export const SHORT_CONTEXT =
  'A right triangle has one angle of ninety degrees. The longest side is called the hypotenuse.';

export const LONG_CONTEXT = Array.from(
  { length: 8 },
  (_, i) =>
    `Paragraph ${i + 1} explains one more idea about right triangles and their sides. ` +
    'The square of the hypotenuse equals the sum of the squares of the other two sides. ' +
    'Builders, surveyors and programmers rely on this rule every single day.',
).join('\n');

/** A validated spec and its planned storyboard. */
export function makeRequest(
  input: VideoSpecInput,
  jobId = 'job-test',
): { jobId: string; spec: VideoSpec; storyboard: Storyboard } {
  const spec = VideoSpec.create({ topic: 'The Pythagorean theorem', ...input });
  if (spec.isErr()) throw new Error(JSON.stringify(spec.error));
  return { jobId, spec: spec.value, storyboard: planStoryboard(spec.value) };
}

interface ProbeStream {
  codec_type: string;
  codec_name: string;
  width?: number;
  height?: number;
  duration?: string;
  nb_frames?: string;
}

/** ffprobe of `file`, run by the test itself. */
export function ffprobe(file: string): { streams: ProbeStream[]; format: { duration: string } } {
  const out = spawnSync(
    ffprobePath,
    ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file],
    {
      encoding: 'utf8',
    },
  );
  if (out.status !== 0) throw new Error(out.stderr);
  return JSON.parse(out.stdout) as { streams: ProbeStream[]; format: { duration: string } };
}

/** Process ids whose command line mentions `needle` (e.g. a work root), from /proc. */
export function processesMentioning(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(needle)) pids.push(Number(entry));
    } catch {
      /* the process ended meanwhile */
    }
  }
  return pids;
}

/** Collects progress reports. */
export function progressLog(): { events: RenderProgress[]; onProgress: (p: RenderProgress) => void } {
  const events: RenderProgress[] = [];
  return { events, onProgress: (p) => events.push(p) };
}
