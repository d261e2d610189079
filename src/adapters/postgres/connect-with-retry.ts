import type { Logger } from '../../ports/logger.js';

/** How {@link connectWithRetry} waits for a dependency at start-up. */
export interface ConnectWithRetryOptions {
  /**
   * What is being opened, for logs and the final error, e.g. `PostgreSQL at 10.0.0.5:5432/framecast`
   * (see {@link describePostgres}). Never put a password here.
   */
  readonly describe: string;
  /** Most calls of `open` (>= 1). With `deadlineMs` too, whichever runs out first stops the retries. */
  readonly attempts?: number | undefined;
  /**
   * Time budget in ms from the first call: no retry starts after it (an attempt in flight is bounded
   * by the opener's own timeout); 0 makes one attempt. Default when neither this nor `attempts` is
   * given: 30 000.
   */
  readonly deadlineMs?: number | undefined;
  /** Delay before the second attempt, in ms; doubled after each failure. Default 250. */
  readonly baseDelayMs?: number | undefined;
  /** Largest delay between attempts, in ms. Default 5 000. */
  readonly maxDelayMs?: number | undefined;
  /** Receives one `warn` per failed attempt (with the next delay) and an `info` when a retry succeeds. */
  readonly logger?: Logger | undefined;
  /** Stops waiting (SIGTERM during start-up): the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined;
}

const DEFAULT_DEADLINE_MS = 30_000;
const DEFAULT_BASE_DELAY_MS = 250;
const DEFAULT_MAX_DELAY_MS = 5_000;

const messageOf = (error: unknown): string =>
  error instanceof AggregateError && error.errors.length > 0
    ? error.errors.map(messageOf).join('; ')
    : error instanceof Error
      ? error.message || error.name
      : String(error);

function check(name: string, value: number | undefined, min: 0 | 1, integer: boolean): void {
  if (value === undefined) return;
  if (!(value >= min) || !Number.isFinite(value) || (integer && !Number.isInteger(value)))
    throw new RangeError(`${name} must be ${integer ? 'an integer' : 'a number'} >= ${min}, got ${value}`);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Calls `open` until it resolves, waiting `baseDelayMs`, then twice as long after each failure (at
 * most `maxDelayMs`, less up to 20 % jitter so replicas starting together spread out), until
 * `attempts` or `deadlineMs` runs out. For start-up only: a container orchestrator starts the
 * service and its database together, and the database may need seconds to accept connections.
 *
 * @returns what `open` resolved to.
 * @throws Error `"<describe> did not answer after N attempts in T ms: <last cause>"` with the last
 *   failure as `cause`; the signal's reason when `signal` aborts; RangeError for invalid options.
 */
export async function connectWithRetry<T>(
  open: () => Promise<T>,
  options: ConnectWithRetryOptions,
): Promise<T> {
  check('attempts', options.attempts, 1, true);
  check('deadlineMs', options.deadlineMs, 0, false);
  check('baseDelayMs', options.baseDelayMs, 1, false);
  check('maxDelayMs', options.maxDelayMs, 1, false);
  const { describe, logger, signal } = options;
  const attempts = options.attempts ?? Number.POSITIVE_INFINITY;
  const deadlineMs =
    options.deadlineMs ?? (options.attempts === undefined ? DEFAULT_DEADLINE_MS : Number.POSITIVE_INFINITY);
  const baseDelayMs = options.baseDelayMs ?? DEFAULT_BASE_DELAY_MS;
  const maxDelayMs = Math.max(options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS, baseDelayMs);

  const started = performance.now();
  let lastError: unknown;
  let attempt = 0;
  for (;;) {
    if (signal?.aborted) throw signal.reason;
    attempt += 1;
    try {
      const opened = await open();
      if (attempt > 1)
        logger?.info(
          { target: describe, attempts: attempt, waitedMs: Math.round(performance.now() - started) },
          `${describe} answered`,
        );
      return opened;
    } catch (error) {
      lastError = error;
    }
    const elapsed = performance.now() - started;
    const remaining = deadlineMs - elapsed;
    if (attempt >= attempts || remaining <= 0) break;
    const backoff = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
    const delay = Math.max(1, Math.round(Math.min(remaining, backoff * (0.8 + 0.2 * Math.random()))));
    logger?.warn(
      { target: describe, attempt, retryInMs: delay, err: messageOf(lastError) },
      `${describe} does not answer yet; retrying`,
    );
    await sleep(delay, signal);
  }
  const elapsed = Math.round(performance.now() - started);
  throw new Error(
    `${describe} did not answer after ${attempt} attempt${attempt === 1 ? '' : 's'} in ${elapsed} ms: ${messageOf(lastError)}`,
    { cause: lastError },
  );
}

/**
 * `PostgreSQL at host:port/database` for a connection string, without user or password: the
 * `describe` of {@link connectWithRetry} and of log lines. Understands `postgres://` and
 * `postgresql://` URLs (including `?host=` for sockets); anything else gives `PostgreSQL`.
 */
export function describePostgres(connectionString: string): string {
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch {
    return 'PostgreSQL';
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') return 'PostgreSQL';
  const host = url.searchParams.get('host') ?? (url.hostname === '' ? 'localhost' : url.hostname);
  const port = url.port === '' ? '5432' : url.port;
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || '(default database)';
  return `PostgreSQL at ${host}:${port}/${database}`;
}
