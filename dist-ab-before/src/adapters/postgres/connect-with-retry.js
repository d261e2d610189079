const DEFAULT_DEADLINE_MS = 30_000;
const DEFAULT_BASE_DELAY_MS = 250;
const DEFAULT_MAX_DELAY_MS = 5_000;
const messageOf = (error) => error instanceof AggregateError && error.errors.length > 0
    ? error.errors.map(messageOf).join('; ')
    : error instanceof Error
        ? error.message || error.name
        : String(error);
function check(name, value, min, integer) {
    if (value === undefined)
        return;
    if (!(value >= min) || !Number.isFinite(value) || (integer && !Number.isInteger(value)))
        throw new RangeError(`${name} must be ${integer ? 'an integer' : 'a number'} >= ${min}, got ${value}`);
}
function sleep(ms, signal) {
    return new Promise((resolve, reject) => {
        if (signal?.aborted) {
            reject(signal.reason);
            return;
        }
        const onAbort = () => {
            clearTimeout(timer);
            reject(signal?.reason);
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
export async function connectWithRetry(open, options) {
    check('attempts', options.attempts, 1, true);
    check('deadlineMs', options.deadlineMs, 0, false);
    check('baseDelayMs', options.baseDelayMs, 1, false);
    check('maxDelayMs', options.maxDelayMs, 1, false);
    const { describe, logger, signal } = options;
    const attempts = options.attempts ?? Number.POSITIVE_INFINITY;
    const deadlineMs = options.deadlineMs ?? (options.attempts === undefined ? DEFAULT_DEADLINE_MS : Number.POSITIVE_INFINITY);
    const baseDelayMs = options.baseDelayMs ?? DEFAULT_BASE_DELAY_MS;
    const maxDelayMs = Math.max(options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS, baseDelayMs);
    const started = performance.now();
    let lastError;
    let attempt = 0;
    for (;;) {
        if (signal?.aborted)
            throw signal.reason;
        attempt += 1;
        try {
            const opened = await open();
            if (attempt > 1)
                logger?.info({ target: describe, attempts: attempt, waitedMs: Math.round(performance.now() - started) }, `${describe} answered`);
            return opened;
        }
        catch (error) {
            lastError = error;
        }
        const elapsed = performance.now() - started;
        const remaining = deadlineMs - elapsed;
        if (attempt >= attempts || remaining <= 0)
            break;
        const backoff = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
        const delay = Math.max(1, Math.round(Math.min(remaining, backoff * (0.8 + 0.2 * Math.random()))));
        logger?.warn({ target: describe, attempt, retryInMs: delay, err: messageOf(lastError) }, `${describe} does not answer yet; retrying`);
        await sleep(delay, signal);
    }
    const elapsed = Math.round(performance.now() - started);
    throw new Error(`${describe} did not answer after ${attempt} attempt${attempt === 1 ? '' : 's'} in ${elapsed} ms: ${messageOf(lastError)}`, { cause: lastError });
}
/**
 * `PostgreSQL at host:port/database` for a connection string, without user or password: the
 * `describe` of {@link connectWithRetry} and of log lines. Understands `postgres://` and
 * `postgresql://` URLs (including `?host=` for sockets); anything else gives `PostgreSQL`.
 */
export function describePostgres(connectionString) {
    let url;
    try {
        url = new URL(connectionString);
    }
    catch {
        return 'PostgreSQL';
    }
    if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')
        return 'PostgreSQL';
    const host = url.searchParams.get('host') ?? (url.hostname === '' ? 'localhost' : url.hostname);
    const port = url.port === '' ? '5432' : url.port;
    const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || '(default database)';
    return `PostgreSQL at ${host}:${port}/${database}`;
}
//# sourceMappingURL=connect-with-retry.js.map