import { CircuitState as BreakerState, ConsecutiveBreaker, ExponentialBackoff, SamplingBreaker, TaskCancelledError, TimeoutStrategy, circuitBreaker, handleWhen, isBrokenCircuitError, retry, timeout, } from 'cockatiel';
import { CircuitOpenError, OperationTimeoutError } from './resilience-errors.js';
const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_RETRY = { maxAttempts: 3, initialDelayMs: 100, maxDelayMs: 2_000 };
const DEFAULT_BREAKER = { kind: 'consecutive', failures: 5, halfOpenAfterMs: 10_000 };
/**
 * Builds a {@link ResiliencePolicy} on cockatiel. When a client library has its own retries, turn
 * them off (AWS SDK: `maxAttempts: 1`), or attempts multiply.
 * @throws RangeError for a non-positive timeout, attempt count or breaker setting (programmer error).
 */
export function createResiliencePolicy(options) {
    return new CockatielResiliencePolicy(options);
}
class CockatielResiliencePolicy {
    name;
    isRetryable;
    timeoutMs;
    maxAttempts;
    halfOpenAfterMs;
    retrying;
    breaker;
    timeouts = new Map();
    consecutiveFailures = 0;
    openedAt = null;
    lastFailure = null;
    counts = { calls: 0, successes: 0, failures: 0, retries: 0, timeouts: 0, rejected: 0 };
    constructor(options) {
        this.name = options.name;
        this.isRetryable = options.isRetryable;
        this.timeoutMs = positive('timeoutMs', options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
        this.maxAttempts = positiveInteger('retry.maxAttempts', options.retry?.maxAttempts ?? DEFAULT_RETRY.maxAttempts);
        const breakerOptions = options.breaker ?? DEFAULT_BREAKER;
        this.halfOpenAfterMs = positive('breaker.halfOpenAfterMs', breakerOptions.halfOpenAfterMs);
        // Failures that count: transient ones. Our own timeout counts; an open circuit does not retry.
        const transient = handleWhen((error) => error instanceof OperationTimeoutError || (!isBrokenCircuitError(error) && this.isRetryable(error)));
        this.retrying = retry(transient, {
            maxAttempts: this.maxAttempts - 1, // cockatiel counts retries, not attempts
            backoff: new ExponentialBackoff({
                initialDelay: nonNegative('retry.initialDelayMs', options.retry?.initialDelayMs ?? DEFAULT_RETRY.initialDelayMs),
                maxDelay: nonNegative('retry.maxDelayMs', options.retry?.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs),
            }),
        });
        this.retrying.onRetry(() => {
            this.counts.retries += 1;
        });
        this.breaker = circuitBreaker(transient, {
            halfOpenAfter: this.halfOpenAfterMs,
            breaker: makeBreaker(breakerOptions),
        });
        this.breaker.onBreak(() => {
            this.openedAt = Date.now();
        });
        this.breaker.onReset(() => {
            this.openedAt = null;
        });
    }
    async execute(operation, options = {}) {
        this.counts.calls += 1;
        const timeoutMs = options.timeoutMs === undefined ? this.timeoutMs : positive('timeoutMs', options.timeoutMs);
        const attempt = (signal) => this.breaker.execute(({ signal: breakerSignal }) => this.attempt(operation, timeoutMs, breakerSignal), signal);
        try {
            const value = options.retry === false
                ? await attempt(options.signal ?? new AbortController().signal)
                : await this.retrying.execute(({ signal }) => attempt(signal), options.signal);
            this.counts.successes += 1;
            return value;
        }
        catch (error) {
            this.counts.failures += 1;
            if (isBrokenCircuitError(error)) {
                this.counts.rejected += 1;
                const opened = this.openedAt;
                throw new CircuitOpenError(this.name, opened === null ? null : new Date(opened + this.halfOpenAfterMs));
            }
            throw error;
        }
    }
    state() {
        const opened = this.openedAt;
        let circuit;
        switch (this.breaker.state) {
            case BreakerState.Closed:
                circuit = 'closed';
                break;
            case BreakerState.HalfOpen:
                circuit = 'half-open';
                break;
            case BreakerState.Open:
            case BreakerState.Isolated:
                // cockatiel moves to half-open only when a call arrives; report the trial as due.
                circuit = opened !== null && Date.now() >= opened + this.halfOpenAfterMs ? 'half-open' : 'open';
                break;
        }
        return {
            name: this.name,
            circuit,
            consecutiveFailures: this.consecutiveFailures,
            openedAt: opened === null ? null : new Date(opened),
            halfOpenAt: opened === null ? null : new Date(opened + this.halfOpenAfterMs),
            lastFailure: this.lastFailure === null ? null : { ...this.lastFailure },
            counts: { ...this.counts },
        };
    }
    /** One attempt under the timeout; records the outcome for `state()`. */
    async attempt(operation, timeoutMs, signal) {
        try {
            const value = await this.timeoutPolicy(timeoutMs).execute((_context, attemptSignal) => operation(attemptSignal), signal);
            this.consecutiveFailures = 0;
            return value;
        }
        catch (error) {
            // (cockatiel 3.2's `isTaskCancelledError` tests the wrong property: use instanceof.)
            const failure = error instanceof TaskCancelledError && !signal.aborted
                ? new OperationTimeoutError(this.name, timeoutMs)
                : error;
            if (failure instanceof OperationTimeoutError)
                this.counts.timeouts += 1;
            if (failure instanceof OperationTimeoutError || this.isRetryable(failure)) {
                this.consecutiveFailures += 1;
                this.lastFailure = { at: new Date(), reason: reasonOf(failure) };
            }
            throw failure;
        }
    }
    /**
     * Aggressive: the attempt fails at the deadline even if the operation ignores its signal (a hung
     * socket). `abortOnReturn: false`: a resolved attempt's signal is never aborted, so a response
     * stream (an S3 GetObject body) is not cut when its headers arrived in time.
     */
    timeoutPolicy(timeoutMs) {
        let policy = this.timeouts.get(timeoutMs);
        if (policy === undefined) {
            policy = timeout(timeoutMs, { strategy: TimeoutStrategy.Aggressive, abortOnReturn: false });
            if (this.timeouts.size < 32)
                this.timeouts.set(timeoutMs, policy);
        }
        return policy;
    }
}
function makeBreaker(options) {
    switch (options.kind) {
        case 'consecutive':
            return new ConsecutiveBreaker(positiveInteger('breaker.failures', options.failures));
        case 'sampling': {
            const { failureRatio } = options;
            if (!(failureRatio > 0 && failureRatio <= 1)) {
                throw new RangeError(`breaker.failureRatio must be in (0, 1], got ${failureRatio}`);
            }
            return new SamplingBreaker({
                threshold: failureRatio,
                duration: positive('breaker.windowMs', options.windowMs),
                minimumRps: nonNegative('breaker.minimumRps', options.minimumRps),
            });
        }
    }
}
/** A short, secret-free label of an error: its errno `code` or its `name`. */
function reasonOf(error) {
    if (typeof error === 'object' && error !== null) {
        const { code, name } = error;
        if (typeof code === 'string' && code !== '')
            return code;
        if (typeof name === 'string' && name !== '')
            return name;
    }
    return typeof error;
}
function positive(what, value) {
    if (!(Number.isFinite(value) && value > 0))
        throw new RangeError(`${what} must be a positive number, got ${value}`);
    return value;
}
function nonNegative(what, value) {
    if (!(Number.isFinite(value) && value >= 0))
        throw new RangeError(`${what} must be >= 0, got ${value}`);
    return value;
}
function positiveInteger(what, value) {
    if (!(Number.isSafeInteger(value) && value >= 1))
        throw new RangeError(`${what} must be an integer >= 1, got ${value}`);
    return value;
}
//# sourceMappingURL=resilience-policy.js.map