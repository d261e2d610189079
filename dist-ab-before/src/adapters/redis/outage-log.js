/**
 * Turns a stream of failures of one dependency into a few log lines: a `warn` at the first
 * failure of an outage, a reminder with the number of failures at most every `repeatEveryMs`,
 * and an `info` with the outage's length and failure count at the first success after it.
 * A Redis outage fails every command and every reconnect attempt; logging each would flood the log.
 */
export class OutageLog {
    logger;
    what;
    failingSince = null;
    failures = 0;
    lastLoggedAt = 0;
    repeatEveryMs;
    now;
    constructor(logger, 
    /** What fails, as it appears in the messages (`'redis'`, `'redis publish'`). */
    what, options = {}) {
        this.logger = logger;
        this.what = what;
        this.repeatEveryMs = options.repeatEveryMs ?? 60_000;
        this.now = options.now ?? Date.now;
    }
    /** Whether the last recorded outcome was a failure. */
    get failing() {
        return this.failingSince !== null;
    }
    /** Records a failure; logs it when it starts an outage or a reminder is due. */
    failure(error, context = {}) {
        const now = this.now();
        this.failures += 1;
        if (this.failingSince === null) {
            this.failingSince = now;
            this.lastLoggedAt = now;
            this.safely(() => this.logger.warn({ ...context, err: errorSummary(error) }, `${this.what} unavailable`));
        }
        else if (now - this.lastLoggedAt >= this.repeatEveryMs) {
            this.lastLoggedAt = now;
            this.safely(() => this.logger.warn({
                ...context,
                err: errorSummary(error),
                failures: this.failures,
                downForMs: now - this.failingSince,
            }, `${this.what} still unavailable`));
        }
    }
    /** Records a success; logs the recovery when it ends an outage. */
    success(context = {}) {
        if (this.failingSince === null)
            return;
        const downForMs = this.now() - this.failingSince;
        const failures = this.failures;
        this.failingSince = null;
        this.failures = 0;
        this.safely(() => this.logger.info({ ...context, downForMs, failures }, `${this.what} available again`));
    }
    safely(log) {
        try {
            log();
        }
        catch {
            // A failing logger must not turn a degraded dependency into a crash.
        }
    }
}
/** A short, serialisable description of an error (no stack: outages are expected). */
export function errorSummary(error) {
    if (error instanceof Error) {
        const code = error.code;
        const message = error.message || (error instanceof AggregateError ? error.errors.map(String).join('; ') : error.name);
        return typeof code === 'string' ? { name: error.name, message, code } : { name: error.name, message };
    }
    return { name: 'Error', message: String(error) };
}
//# sourceMappingURL=outage-log.js.map