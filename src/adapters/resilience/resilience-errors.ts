/**
 * Errors a {@link ResiliencePolicy} throws on its own behalf (the protected operation's own errors
 * pass through unchanged). Both mean "the dependency may answer later": callers classify them as
 * retryable outages.
 *
 * @module
 */

/** One attempt did not settle within the per-call timeout; its `AbortSignal` was aborted. */
export class OperationTimeoutError extends Error {
  override readonly name = 'OperationTimeoutError';

  constructor(
    /** The protected dependency (`'s3'`, `'postgres'`, ...). */
    readonly dependency: string,
    /** The timeout that elapsed, in ms. */
    readonly timeoutMs: number,
  ) {
    super(`${dependency}: no answer within ${timeoutMs} ms`);
  }
}

/** The circuit breaker is open: the call failed fast without reaching the dependency. */
export class CircuitOpenError extends Error {
  override readonly name = 'CircuitOpenError';

  constructor(
    /** The protected dependency (`'s3'`, `'postgres'`, ...). */
    readonly dependency: string,
    /** When the breaker lets a trial call through, or `null` when unknown. */
    readonly retryAt: Date | null,
  ) {
    super(
      `${dependency}: circuit open after repeated failures, failing fast` +
        (retryAt === null ? '' : ` until ${retryAt.toISOString()}`),
    );
  }
}

/** Whether `error` is one of the policy's own errors (timeout or open circuit). */
export function isResilienceError(error: unknown): error is OperationTimeoutError | CircuitOpenError {
  return error instanceof OperationTimeoutError || error instanceof CircuitOpenError;
}
