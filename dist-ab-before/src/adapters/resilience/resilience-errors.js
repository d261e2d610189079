/**
 * Errors a {@link ResiliencePolicy} throws on its own behalf (the protected operation's own errors
 * pass through unchanged). Both mean "the dependency may answer later": callers classify them as
 * retryable outages.
 *
 * @module
 */
/** One attempt did not settle within the per-call timeout; its `AbortSignal` was aborted. */
export class OperationTimeoutError extends Error {
    dependency;
    timeoutMs;
    name = 'OperationTimeoutError';
    constructor(
    /** The protected dependency (`'s3'`, `'postgres'`, ...). */
    dependency, 
    /** The timeout that elapsed, in ms. */
    timeoutMs) {
        super(`${dependency}: no answer within ${timeoutMs} ms`);
        this.dependency = dependency;
        this.timeoutMs = timeoutMs;
    }
}
/** The circuit breaker is open: the call failed fast without reaching the dependency. */
export class CircuitOpenError extends Error {
    dependency;
    retryAt;
    name = 'CircuitOpenError';
    constructor(
    /** The protected dependency (`'s3'`, `'postgres'`, ...). */
    dependency, 
    /** When the breaker lets a trial call through, or `null` when unknown. */
    retryAt) {
        super(`${dependency}: circuit open after repeated failures, failing fast` +
            (retryAt === null ? '' : ` until ${retryAt.toISOString()}`));
        this.dependency = dependency;
        this.retryAt = retryAt;
    }
}
/** Whether `error` is one of the policy's own errors (timeout or open circuit). */
export function isResilienceError(error) {
    return error instanceof OperationTimeoutError || error instanceof CircuitOpenError;
}
//# sourceMappingURL=resilience-errors.js.map