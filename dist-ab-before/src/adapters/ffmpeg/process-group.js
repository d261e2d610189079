import { spawn } from 'node:child_process';
const STDERR_TAIL_BYTES = 4096;
const KILL_WAIT_MS = 500;
/**
 * The child processes of one render. `run()` never rejects: every ending is a {@link ProcessOutcome}.
 * `killAll()` SIGKILLs every live child at once and stops later runs from starting, so
 * cancelling a render is one call.
 */
export class ProcessGroup {
    #live = new Set();
    #killed = false;
    /** True once {@link killAll} ran. */
    get killed() {
        return this.#killed;
    }
    /** Process ids of the children still running (for logs and tests). */
    get pids() {
        return [...this.#live].flatMap((c) => (c.pid === undefined ? [] : [c.pid]));
    }
    /** Runs `command` with `args` (no shell) to its end. */
    run(command, args, options = {}) {
        if (this.#killed)
            return Promise.resolve({ kind: 'killed' });
        return new Promise((resolve) => {
            let child;
            try {
                child = spawn(command, args, {
                    stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
                    windowsHide: true,
                });
            }
            catch (error) {
                resolve(spawnError(error));
                return;
            }
            this.#live.add(child);
            let stdout = '';
            let stderr = '';
            let timedOut = false;
            let settled = false;
            const finish = (outcome) => {
                if (settled)
                    return;
                settled = true;
                if (timer)
                    clearTimeout(timer);
                this.#live.delete(child);
                resolve(outcome);
            };
            const timer = options.timeoutMs === undefined
                ? undefined
                : setTimeout(() => {
                    timedOut = true;
                    child.kill('SIGKILL');
                }, options.timeoutMs);
            child.stdout?.setEncoding('utf8');
            child.stdout?.on('data', (chunk) => {
                if (options.collectStdout)
                    stdout += chunk;
                options.onStdout?.(chunk);
            });
            child.stderr?.setEncoding('utf8');
            child.stderr?.on('data', (chunk) => {
                stderr = (stderr + chunk).slice(-STDERR_TAIL_BYTES);
            });
            child.stdin?.on('error', () => {
                /* EPIPE when the child exits before reading its input: the exit code tells the story. */
            });
            if (options.stdin !== undefined)
                child.stdin?.end(options.stdin);
            child.on('error', (error) => {
                if (child.pid === undefined)
                    finish(spawnError(error));
            });
            child.on('close', (code, signal) => {
                if (this.#killed)
                    finish({ kind: 'killed' });
                else if (timedOut)
                    finish({ kind: 'timeout', timeoutMs: options.timeoutMs ?? 0, stderrTail: stderr });
                else
                    finish({ kind: 'exited', code, signal, stdout, stderrTail: stderr });
            });
        });
    }
    /**
     * SIGKILLs every running child at once and refuses later runs. Resolves when they have exited
     * (at most ~0.5 s).
     */
    async killAll() {
        this.#killed = true;
        const waits = [...this.#live].map((child) => new Promise((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null)
                return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGKILL');
        }));
        if (waits.length === 0)
            return;
        let timer;
        await Promise.race([
            Promise.all(waits),
            new Promise((resolve) => {
                timer = setTimeout(resolve, KILL_WAIT_MS);
            }),
        ]);
        clearTimeout(timer);
    }
}
function spawnError(error) {
    const code = error?.code;
    return { kind: 'spawn-error', code, message: error instanceof Error ? error.message : String(error) };
}
/** Errno codes of resource exhaustion: another attempt may succeed. */
export const RETRYABLE_ERRNO = new Set([
    'EAGAIN',
    'EMFILE',
    'ENFILE',
    'ENOMEM',
    'ENOSPC',
    'EBUSY',
    'EDQUOT',
]);
const RETRYABLE_STDERR = /No space left on device|Cannot allocate memory|Too many open files|Resource temporarily unavailable/i;
/**
 * Describes a failed outcome (`null` for a clean exit). Killed by a signal, timed out or out of a
 * resource -> retryable; a missing binary or a non-zero exit -> not retryable. The message ends
 * with the last lines of stderr.
 *
 * @param label what ran, e.g. `ffmpeg (compose)`
 */
export function describeFailure(outcome, label) {
    switch (outcome.kind) {
        case 'exited': {
            if (outcome.code === 0)
                return null;
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
export function lastLines(text, n) {
    return text
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l.length > 0)
        .slice(-n)
        .join(' | ');
}
//# sourceMappingURL=process-group.js.map