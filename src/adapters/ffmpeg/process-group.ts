import { spawn, type ChildProcess } from 'node:child_process';
import type { Writable } from 'node:stream';

/** How a child process ended. Output tails are the last few KB of text. */
export type ProcessOutcome =
  | {
      readonly kind: 'exited';
      /** Exit code, or `null` when a signal ended the process. */
      readonly code: number | null;
      readonly signal: NodeJS.Signals | null;
      /** Whole stdout when `collectStdout` was set, else ''. */
      readonly stdout: string;
      readonly stderrTail: string;
    }
  /** The process could not start (`ENOENT`, `EACCES`, `EMFILE`...). */
  | { readonly kind: 'spawn-error'; readonly code: string | undefined; readonly message: string }
  /** The group was killed (cancellation) before or while the process ran. */
  | { readonly kind: 'killed' }
  | { readonly kind: 'timeout'; readonly timeoutMs: number; readonly stderrTail: string };

/** Options of one run. */
export interface RunOptions {
  /**
   * Written to the child's stdin, which is then closed; without it stdin is ignored. An async
   * iterable is streamed chunk by chunk with backpressure (the next chunk is pulled only when the
   * pipe has drained). If the iterable throws, the child is SIGKILLed before its stdin closes, so
   * it never sees a cut-short input as a complete one; if the child exits first, the iterable is
   * closed (`return()`), which stops its producer.
   */
  readonly stdin?: string | AsyncIterable<Uint8Array>;
  /** Called with each stdout chunk (UTF-8). */
  readonly onStdout?: (chunk: string) => void;
  /** Keep the whole stdout in the outcome (for small outputs such as ffprobe JSON). */
  readonly collectStdout?: boolean;
  /** SIGKILL the child after this many milliseconds. */
  readonly timeoutMs?: number;
}

const STDERR_TAIL_BYTES = 4096;
const KILL_WAIT_MS = 500;

/**
 * The child processes of one render. `run()` never rejects: every ending is a {@link ProcessOutcome}.
 * `killAll()` SIGKILLs every live child at once and stops later runs from starting, so
 * cancelling a render is one call.
 */
export class ProcessGroup {
  readonly #live = new Set<ChildProcess>();
  #killed = false;

  /** True once {@link killAll} ran. */
  get killed(): boolean {
    return this.#killed;
  }

  /** Process ids of the children still running (for logs and tests). */
  get pids(): number[] {
    return [...this.#live].flatMap((c) => (c.pid === undefined ? [] : [c.pid]));
  }

  /** Runs `command` with `args` (no shell) to its end. */
  run(command: string, args: readonly string[], options: RunOptions = {}): Promise<ProcessOutcome> {
    if (this.#killed) return Promise.resolve({ kind: 'killed' });
    return new Promise((resolve) => {
      let child: ChildProcess;
      try {
        child = spawn(command, args, {
          stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
          windowsHide: true,
        });
      } catch (error) {
        resolve(spawnError(error));
        return;
      }
      this.#live.add(child);
      let stdout = '';
      let stderr = '';
      let timedOut = false;
      let settled = false;
      const finish = (outcome: ProcessOutcome): void => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        this.#live.delete(child);
        resolve(outcome);
      };
      const timer =
        options.timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              timedOut = true;
              child.kill('SIGKILL');
            }, options.timeoutMs);
      child.stdout?.setEncoding('utf8');
      child.stdout?.on('data', (chunk: string) => {
        if (options.collectStdout) stdout += chunk;
        options.onStdout?.(chunk);
      });
      child.stderr?.setEncoding('utf8');
      child.stderr?.on('data', (chunk: string) => {
        stderr = (stderr + chunk).slice(-STDERR_TAIL_BYTES);
      });
      child.stdin?.on('error', () => {
        /* EPIPE when the child exits before reading its input: the exit code tells the story. */
      });
      if (typeof options.stdin === 'string') child.stdin?.end(options.stdin);
      else if (options.stdin !== undefined && child.stdin) void pump(options.stdin, child.stdin, child);
      child.on('error', (error) => {
        if (child.pid === undefined) finish(spawnError(error));
      });
      child.on('close', (code, signal) => {
        if (this.#killed) finish({ kind: 'killed' });
        else if (timedOut) finish({ kind: 'timeout', timeoutMs: options.timeoutMs ?? 0, stderrTail: stderr });
        else finish({ kind: 'exited', code, signal, stdout, stderrTail: stderr });
      });
    });
  }

  /**
   * SIGKILLs every running child at once and refuses later runs. Resolves when they have exited
   * (at most ~0.5 s).
   */
  async killAll(): Promise<void> {
    this.#killed = true;
    const waits = [...this.#live].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    );
    if (waits.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(waits),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, KILL_WAIT_MS);
      }),
    ]);
    clearTimeout(timer);
  }
}

/** Streams `source` into `sink` with backpressure; see {@link RunOptions.stdin}. Never rejects. */
async function pump(source: AsyncIterable<Uint8Array>, sink: Writable, child: ChildProcess): Promise<void> {
  const iterator = source[Symbol.asyncIterator]();
  let finished = false;
  try {
    while (!sink.destroyed) {
      const next = await iterator.next();
      if (next.done === true) {
        finished = true;
        sink.end();
        return;
      }
      if (sink.destroyed) return;
      if (!sink.write(next.value)) await drainedOrClosed(sink);
    }
  } catch {
    child.kill('SIGKILL');
    sink.destroy();
  } finally {
    if (!finished) await iterator.return?.(undefined).catch(() => undefined);
  }
}

function drainedOrClosed(sink: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      sink.off('drain', done);
      sink.off('close', done);
      resolve();
    };
    sink.on('drain', done);
    sink.on('close', done);
  });
}

function spawnError(error: unknown): ProcessOutcome {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return { kind: 'spawn-error', code, message: error instanceof Error ? error.message : String(error) };
}

/** Errno codes of resource exhaustion: another attempt may succeed. */
export const RETRYABLE_ERRNO: ReadonlySet<string> = new Set([
  'EAGAIN',
  'EMFILE',
  'ENFILE',
  'ENOMEM',
  'ENOSPC',
  'EBUSY',
  'EDQUOT',
]);

const RETRYABLE_STDERR =
  /No space left on device|Cannot allocate memory|Too many open files|Resource temporarily unavailable/i;

/** Why a process failed, for a `RenderFailed` error: a message and whether a retry may succeed. */
export interface ProcessFailure {
  readonly message: string;
  readonly retryable: boolean;
}

/**
 * Describes a failed outcome (`null` for a clean exit). Killed by a signal, timed out or out of a
 * resource -> retryable; a missing binary or a non-zero exit -> not retryable. The message ends
 * with the last lines of stderr.
 *
 * @param label what ran, e.g. `ffmpeg (compose)`
 */
export function describeFailure(outcome: ProcessOutcome, label: string): ProcessFailure | null {
  switch (outcome.kind) {
    case 'exited': {
      if (outcome.code === 0) return null;
      const tail = lastLines(outcome.stderrTail, 6);
      if (outcome.signal !== null)
        return {
          message: `${label} was killed by ${outcome.signal}${tail ? `: ${tail}` : ''}`,
          retryable: true,
        };
      return {
        message: `${label} exited with code ${outcome.code ?? '?'}${tail ? `: ${tail}` : ''}`,
        retryable: RETRYABLE_STDERR.test(outcome.stderrTail),
      };
    }
    case 'spawn-error':
      return {
        message: `${label} could not start (${outcome.code ?? 'error'}): ${outcome.message}`,
        retryable: outcome.code !== undefined && RETRYABLE_ERRNO.has(outcome.code),
      };
    case 'timeout':
      return { message: `${label} timed out after ${outcome.timeoutMs} ms`, retryable: true };
    case 'killed':
      return { message: `${label} was stopped`, retryable: true };
  }
}

/** The last `n` non-empty lines of `text`, joined with ` | `. */
export function lastLines(text: string, n: number): string {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
    .slice(-n)
    .join(' | ');
}
