import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import ffprobeInstaller from '@ffprobe-installer/ffprobe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from './server.js';

const run = promisify(execFile);
const KEY = 'e2e-test-key-0123456789abcdef0123';
const TOPIC = 'The Pythagorean theorem';
const SENTENCES = [
  'In a right triangle, the square of the hypotenuse equals the sum of the squares of the other two sides.',
  'Builders have used this rule for thousands of years to make square corners.',
  'With two sides known, the theorem gives the third one.',
];

interface JobBody {
  id: string;
  status: string;
  progress: { stage: string; percent: number };
  result?: { width: number; height: number; durationSeconds: number };
}

let dataDir: string;
let server: RunningServer;
const env = (): Record<string, string> => ({
  DATA_DIR: dataDir,
  FRAMECAST_API_KEY: KEY,
  QUEUE_LEASE_SECONDS: '5',
  QUEUE_SWEEP_INTERVAL_SECONDS: '1',
  QUEUE_POLL_INTERVAL_MS: '200',
});

async function api(pathname: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${server.baseUrl}/api/v1${pathname}`, {
    ...init,
    headers: { 'x-api-key': KEY, 'content-type': 'application/json', ...(init.headers ?? {}) },
  });
}

async function submit(body: Record<string, unknown>): Promise<{ res: Response; job: JobBody }> {
  const res = await api('/videos/generate', { method: 'POST', body: JSON.stringify(body) });
  return { res, job: (await res.json()) as JobBody };
}

/** Polls the status until `done(job)`, recording every (status, stage) seen. */
async function waitFor(
  id: string,
  done: (job: JobBody) => boolean,
  timeoutMs: number,
  seen: string[] = [],
): Promise<JobBody> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = (await (await api(`/videos/jobs/${id}/status`)).json()) as JobBody;
    const label = `${job.status}:${job.progress.stage}`;
    if (seen.at(-1) !== label) seen.push(label);
    if (done(job)) return job;
    if (Date.now() > deadline)
      throw new Error(`timed out; last ${JSON.stringify(job)}; seen ${seen.join(' ')}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'framecast-e2e-'));
  server = await startServer(env());
}, 90_000);

afterAll(async () => {
  await server?.stop('SIGTERM');
  await rm(dataDir, { recursive: true, force: true });
});

describe('end to end: a topic goes in, a real MP4 comes out', () => {
  let jobId = '';

  it('renders the Pythagorean theorem and serves an MP4 ffprobe accepts', async () => {
    const { res, job } = await submit({ topic: TOPIC, context: SENTENCES.join(' '), quality: 'medium' });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/api/v1/videos/jobs/${job.id}/status`);
    jobId = job.id;

    const seen: string[] = [];
    const done = await waitFor(job.id, (j) => ['completed', 'failed'].includes(j.status), 150_000, seen);
    expect(done.status, seen.join(' ')).toBe('completed');
    expect(seen.some((s) => s.startsWith('processing:'))).toBe(true);
    expect(done.result).toMatchObject({ width: 1280, height: 720 });

    const download = await api(`/videos/jobs/${job.id}/download`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('video/mp4');
    const file = path.join(dataDir, 'downloaded.mp4');
    await writeFile(file, Buffer.from(await download.arrayBuffer()));
    const { stdout } = await run(ffprobeInstaller.path, [
      '-v',
      'error',
      '-print_format',
      'json',
      '-show_format',
      '-show_streams',
      file,
    ]);
    const probe = JSON.parse(stdout) as {
      format: { duration: string; format_name: string };
      streams: { codec_type: string; codec_name: string; width?: number; height?: number }[];
    };
    const video = probe.streams.find((s) => s.codec_type === 'video');
    const audio = probe.streams.find((s) => s.codec_type === 'audio');
    expect(video).toMatchObject({ codec_name: 'h264', width: 1280, height: 720 });
    expect(audio?.codec_name).toBe('aac');
    expect(probe.streams.some((s) => s.codec_type === 'subtitle')).toBe(true);
    expect(Number(probe.format.duration)).toBeGreaterThanOrEqual(10);
    expect(probe.format.format_name).toContain('mp4');

    // The title card carries the topic and the following scenes the context, in order:
    // the subtitles are the narration of each card.
    const vtt = await (await api(`/videos/jobs/${job.id}/subtitles`)).text();
    expect(vtt.startsWith('WEBVTT')).toBe(true);
    const flat = vtt.replace(/\s+/g, ' ');
    expect(flat).toContain(TOPIC);
    let last = flat.indexOf(TOPIC);
    for (const sentence of SENTENCES) {
      const at = flat.indexOf(sentence.split(' ').slice(0, 6).join(' '), last);
      expect(at, sentence).toBeGreaterThan(last);
      last = at;
    }

    const thumb = await api(`/videos/jobs/${job.id}/thumbnail`);
    expect(thumb.status).toBe(200);
    expect(
      Buffer.from(await thumb.arrayBuffer())
        .subarray(0, 2)
        .toString('hex'),
    ).toBe('ffd8');
  }, 180_000);

  it('serves byte ranges of the download (206, exactly 100 bytes) and 416 past the end', async () => {
    const partial = await api(`/videos/jobs/${jobId}/download`, { headers: { range: 'bytes=0-99' } });
    expect(partial.status).toBe(206);
    expect((await partial.arrayBuffer()).byteLength).toBe(100);
    expect(partial.headers.get('content-range')).toMatch(/^bytes 0-99\/\d+$/);
    const past = await api(`/videos/jobs/${jobId}/download`, { headers: { range: 'bytes=999999999-' } });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toMatch(/^bytes \*\/\d+$/);
  });

  it('reports the real database and storage as healthy', async () => {
    const res = await api('/system/health');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { checks: Record<string, { status: string }> };
    expect(body.checks['Database']?.status).toBe('up');
    expect(body.checks['ObjectStorage']?.status).toBe('up');
    expect(body.checks['VideoRenderer']?.status).toBe('up');
  });

  it('finishes a job whose process was SIGKILLed mid-render, after a restart; earlier results survive', async () => {
    const { job } = await submit({ topic: 'Crash recovery', context: SENTENCES.join(' '), quality: 'low' });
    await waitFor(job.id, (j) => j.status === 'processing' && j.progress.stage !== 'planning', 60_000);
    await server.stop('SIGKILL');

    server = await startServer(env());
    const seen: string[] = [];
    const done = await waitFor(job.id, (j) => ['completed', 'failed'].includes(j.status), 120_000, seen);
    expect(done.status, seen.join(' ')).toBe('completed');
    const status = (await (await api(`/videos/jobs/${job.id}/status`)).json()) as { attempts: number };
    expect(status.attempts).toBe(2);

    const earlier = await api(`/videos/jobs/${jobId}/download`, { headers: { range: 'bytes=0-99' } });
    expect(earlier.status).toBe(206);
  }, 200_000);

  it('drains on SIGTERM and exits 0', async () => {
    expect(await server.stop('SIGTERM')).toBe(0);
  }, 60_000);
});
