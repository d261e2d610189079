import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const BUILT_MAIN = path.join(ROOT, 'dist/src/main.js');
export const BUILT_WORKER = path.join(ROOT, 'dist/src/worker-main.js');

export interface RunningServer {
  readonly child: ChildProcess;
  readonly baseUrl: string;
  /** Everything the process printed so far. */
  output(): string;
  /** Sends `signal` and waits for the exit; @returns the exit code (null when killed by a signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Spawns the built server (`dist/src/main.js`, built by `npm test`'s build step) with `env`,
 * on a free port, and waits until it prints where it listens — or, with `entry: 'worker'`, the
 * worker process (`dist/src/worker-main.js`) until it reports running (`baseUrl` is then its name).
 */
export async function startServer(
  env: Record<string, string>,
  timeoutMs = 60_000,
  entry: 'api' | 'worker' = 'api',
): Promise<RunningServer> {
  const main = entry === 'api' ? BUILT_MAIN : BUILT_WORKER;
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first`);
  const ready = entry === 'api' ? /listening on (http:\/\/[^\s]+)/ : /(worker \S+) running/;
  const child = spawn(process.execPath, [main], {
    cwd: ROOT,
    env: { ...inheritedEnv(), PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', APP_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not start in ${timeoutMs} ms:\n${out}`)),
      timeoutMs,
    );
    const check = (): void => {
      const m = ready.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${out}`));
    });
  });
  return {
    child,
    baseUrl,
    output: () => out,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/**
 * This process's environment without the variables that choose production adapters (CI exports
 * `REDIS_URL`, `DATABASE_URL`...): a spawned server uses exactly what its test passes, so the
 * embedded test really runs on embedded defaults and servers of different tests share no Redis
 * rate-limit counters.
 */
function inheritedEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env))
    if (/^(DATABASE_|REDIS_|S3_|AWS_|CLERK_|FRAMECAST_|WEBHOOK_|RATE_LIMIT_|TEST_DATABASE_URL$)/.test(name))
      delete env[name];
  return env;
}
