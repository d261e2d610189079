import { createRequire } from 'node:module';

/** What bench scripts read from an autocannon result (autocannon 8 ships no types). */
export interface LoadResult {
  /** Mean requests per second. */
  readonly rps: number;
  /** Latency percentiles in ms. */
  readonly p50: number;
  readonly p99: number;
  /** Mean bytes per second read (headers and bodies). */
  readonly bytesPerSecond: number;
  readonly total: number;
  readonly non2xx: number;
  readonly errors: number;
}

export interface LoadOptions {
  readonly url: string;
  readonly connections: number;
  /** Seconds. */
  readonly duration: number;
  readonly method?: 'GET' | 'POST';
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** Called per request to vary it (e.g. a different Range header each time). */
  readonly setupRequest?: (request: { headers: Record<string, string> }) => {
    headers: Record<string, string>;
  };
  readonly pipelining?: number;
}

interface RawResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  throughput: { average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

type Autocannon = (opts: Record<string, unknown>) => Promise<RawResult>;

const require = createRequire(import.meta.url);
const autocannon = require('autocannon') as Autocannon;

/** Runs autocannon (in this process) and returns the numbers the tables use. */
export async function load(options: LoadOptions): Promise<LoadResult> {
  const raw = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.duration,
    method: options.method ?? 'GET',
    headers: options.headers ?? {},
    ...(options.body !== undefined ? { body: options.body } : {}),
    ...(options.setupRequest ? { setupRequest: options.setupRequest } : {}),
    pipelining: options.pipelining ?? 1,
    timeout: 30,
  });
  return {
    rps: raw.requests.average,
    p50: raw.latency.p50,
    p99: raw.latency.p99,
    bytesPerSecond: raw.throughput.average,
    total: raw.requests.total,
    non2xx: raw.non2xx,
    errors: raw.errors + raw.timeouts,
  };
}

/** Mean of the runs' numbers (req/s, bytes/s, latencies); totals summed. */
export function meanOf(results: readonly LoadResult[]): LoadResult {
  const avg = (f: (r: LoadResult) => number): number =>
    results.reduce((s, r) => s + f(r), 0) / Math.max(1, results.length);
  const sum = (f: (r: LoadResult) => number): number => results.reduce((s, r) => s + f(r), 0);
  return {
    rps: avg((r) => r.rps),
    p50: avg((r) => r.p50),
    p99: avg((r) => r.p99),
    bytesPerSecond: avg((r) => r.bytesPerSecond),
    total: sum((r) => r.total),
    non2xx: sum((r) => r.non2xx),
    errors: sum((r) => r.errors),
  };
}

/**
 * A streaming download client for large bodies (autocannon is built for small responses): each
 * of `connections` keep-alive sockets GETs `url` back to back for `duration` seconds, counting
 * body bytes as they arrive without keeping them. `headers()` is called per request.
 */
export async function download(options: {
  readonly url: string;
  readonly connections: number;
  readonly duration: number;
  readonly headers: () => Record<string, string>;
}): Promise<LoadResult> {
  const http = await import('node:http');
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
  const end = performance.now() + options.duration * 1000;
  const latencies: number[] = [];
  let bytes = 0;
  let non2xx = 0;
  let errors = 0;
  const once = (): Promise<void> =>
    new Promise((resolve) => {
      const t0 = performance.now();
      const req = http.get(options.url, { agent, headers: options.headers() }, (res) => {
        if ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) >= 300) non2xx += 1;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('end', () => {
          latencies.push(performance.now() - t0);
          resolve();
        });
        res.on('error', () => {
          errors += 1;
          resolve();
        });
      });
      req.on('error', () => {
        errors += 1;
        resolve();
      });
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.connections }, async () => {
      while (performance.now() < end) await once();
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (p: number): number =>
    latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
  return {
    rps: latencies.length / seconds,
    p50: at(50),
    p99: at(99),
    bytesPerSecond: bytes / seconds,
    total: latencies.length,
    non2xx,
    errors,
  };
}

/**
 * One of the API benchmark's two loads against `baseUrl`: `GET /api/v1/videos/jobs/{jobId}/status`
 * or `POST /api/v1/videos/generate` with `body`, at `connections` (default 50) for `seconds`.
 */
export function apiLoad(options: {
  readonly baseUrl: string;
  readonly kind: 'status' | 'generate';
  readonly jobId: string;
  readonly seconds: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly connections?: number;
}): Promise<LoadResult> {
  const common = {
    connections: options.connections ?? 50,
    duration: options.seconds,
    headers: options.headers,
  };
  return options.kind === 'status'
    ? load({ ...common, url: `${options.baseUrl}/api/v1/videos/jobs/${options.jobId}/status` })
    : load({
        ...common,
        url: `${options.baseUrl}/api/v1/videos/generate`,
        method: 'POST',
        body: options.body,
      });
}
