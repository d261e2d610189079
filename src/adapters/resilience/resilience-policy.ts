import {
  CircuitState as BreakerState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  SamplingBreaker,
  TaskCancelledError,
  TimeoutStrategy,
  circuitBreaker,
  handleWhen,
  isBrokenCircuitError,
  retry,
  timeout,
  type CircuitBreakerPolicy,
  type IBreaker,
  type RetryPolicy,
  type TimeoutPolicy,
} from 'cockatiel';
import { CircuitOpenError, OperationTimeoutError } from './resilience-errors.js';

/**
 * When the breaker opens. Either way it stays open for `halfOpenAfterMs`, then lets one trial call
 * through (half-open): a success closes it, a failure opens it again.
 */
export type BreakerOptions =
  | {
      readonly kind: 'consecutive';
      /** Opens after this many retryable failures in a row (attempts, not calls). */
      readonly failures: number;
      /** Cool-down before the trial call, in ms. */
      readonly halfOpenAfterMs: number;
    }
  | {
      readonly kind: 'sampling';
      /** Opens when at least this share (0–1) of the attempts in the window failed. */
      readonly failureRatio: number;
      /** Length of the sampling window, in ms. */
      readonly windowMs: number;
      /** Attempts per second needed before the ratio counts (avoids opening on 1 of 1 at low load). */
      readonly minimumRps: number;
      /** Cool-down before the trial call, in ms. */
      readonly halfOpenAfterMs: number;
    };

/** Retry with exponential backoff and decorrelated jitter, for retryable failures only. */
export interface RetryOptions {
  /** Attempts in all, the first included (1 = no retry). Default 3. */
  readonly maxAttempts?: number;
  /** Typical delay before the first retry, in ms; later delays grow exponentially, with jitter. Default 100. */
  readonly initialDelayMs?: number;
  /** Upper bound of one delay, in ms. Default 2000. */
  readonly maxDelayMs?: number;
}

export interface ResiliencePolicyOptions {
  /** The protected dependency, used in errors and `state()` (`'s3'`, `'postgres'`). */
  readonly name: string;
  /**
   * Classifies a failure of the operation: `true` for a transient one (5xx, throttling, network),
   * which is retried and counted by the breaker; `false` for one that would fail again (403, 400,
   * not found), which is returned at once and does not count. Timeouts are always transient.
   */
  readonly isRetryable: (error: unknown) => boolean;
  /** Per-attempt timeout, in ms. Default 10,000. */
  readonly timeoutMs?: number;
  /** Default: 3 attempts, 100 ms initial delay, 2 s max delay. */
  readonly retry?: RetryOptions;
  /** Default: `{ kind: 'consecutive', failures: 5, halfOpenAfterMs: 10_000 }`. */
  readonly breaker?: BreakerOptions;
}

/** Per-call overrides for {@link ResiliencePolicy.execute}. */
export interface ExecuteOptions {
  /** This call's per-attempt timeout, in ms (e.g. longer for a large upload part). */
  readonly timeoutMs?: number;
  /**
   * `false` for an operation that must not run twice (not idempotent, or with a body that cannot
   * be replayed): one attempt only, still under the timeout and the breaker. Default `true`.
   */
  readonly retry?: boolean;
  /** Cancels the call (and any pending retry) when aborted. */
  readonly signal?: AbortSignal;
}

/** `closed`: calls flow; `open`: calls fail fast; `half-open`: the next call is a trial. */
export type CircuitState = 'closed' | 'open' | 'half-open';

/** A snapshot for health endpoints and metrics. */
export interface ResilienceState {
  readonly name: string;
  readonly circuit: CircuitState;
  /** Retryable attempt failures in a row since the last success. */
  readonly consecutiveFailures: number;
  /** When the circuit last opened, or `null` while closed. */
  readonly openedAt: Date | null;
  /** When an open circuit admits its trial call, or `null` while closed. */
  readonly halfOpenAt: Date | null;
  /** The `name` (or errno `code`) of the last failure, never its message (it may hold secrets). */
  readonly lastFailure: { readonly at: Date; readonly reason: string } | null;
  /** Totals since the policy was built. */
  readonly counts: {
    /** Calls to `execute`. */
    readonly calls: number;
    readonly successes: number;
    /** Calls that ended in an error (after retries), whatever the error. */
    readonly failures: number;
    /** Attempts beyond the first. */
    readonly retries: number;
    /** Attempts that hit the timeout. */
    readonly timeouts: number;
    /** Calls refused by the open circuit without reaching the dependency. */
    readonly rejected: number;
  };
}

/**
 * Timeout, retry and circuit breaking around calls to one dependency, reusable by any adapter
 * (S3, a database, an HTTP API). One instance per dependency: the breaker state is shared by all
 * calls through it.
 */
export interface ResiliencePolicy {
  /** The protected dependency's name. */
  readonly name: string;
  /**
   * Runs `operation`, passing the `AbortSignal` of the current attempt (aborted on timeout; never
   * aborted after the attempt resolved, so a stream it returned stays readable).
   * Order: retry (outermost) -> circuit breaker -> per-attempt timeout -> operation.
   * @throws the operation's last error; {@link OperationTimeoutError} when the last attempt timed
   *   out; {@link CircuitOpenError} when the breaker refused the call.
   */
  execute<T>(operation: (signal: AbortSignal) => Promise<T>, options?: ExecuteOptions): Promise<T>;
  /** The breaker's state and counters, for health checks. */
  state(): ResilienceState;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_RETRY = { maxAttempts: 3, initialDelayMs: 100, maxDelayMs: 2_000 } as const;
const DEFAULT_BREAKER: BreakerOptions = { kind: 'consecutive', failures: 5, halfOpenAfterMs: 10_000 };

/**
 * Builds a {@link ResiliencePolicy} on cockatiel. When a client library has its own retries, turn
 * them off (AWS SDK: `maxAttempts: 1`), or attempts multiply.
 * @throws RangeError for a non-positive timeout, attempt count or breaker setting (programmer error).
 */
export function createResiliencePolicy(options: ResiliencePolicyOptions): ResiliencePolicy {
  return new CockatielResiliencePolicy(options);
}

class CockatielResiliencePolicy implements ResiliencePolicy {
  readonly name: string;
  private readonly isRetryable: (error: unknown) => boolean;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly halfOpenAfterMs: number;
  private readonly retrying: RetryPolicy;
  private readonly breaker: CircuitBreakerPolicy;
  private readonly timeouts = new Map<number, TimeoutPolicy>();

  private consecutiveFailures = 0;
  private openedAt: number | null = null;
  private lastFailure: { at: Date; reason: string } | null = null;
  private readonly counts = { calls: 0, successes: 0, failures: 0, retries: 0, timeouts: 0, rejected: 0 };

  constructor(options: ResiliencePolicyOptions) {
    this.name = options.name;
    this.isRetryable = options.isRetryable;
    this.timeoutMs = positive('timeoutMs', options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    this.maxAttempts = positiveInteger(
      'retry.maxAttempts',
      options.retry?.maxAttempts ?? DEFAULT_RETRY.maxAttempts,
    );
    const breakerOptions = options.breaker ?? DEFAULT_BREAKER;
    this.halfOpenAfterMs = positive('breaker.halfOpenAfterMs', breakerOptions.halfOpenAfterMs);

    // Failures that count: transient ones. Our own timeout counts; an open circuit does not retry.
    const transient = handleWhen(
      (error) =>
        error instanceof OperationTimeoutError || (!isBrokenCircuitError(error) && this.isRetryable(error)),
    );
    this.retrying = retry(transient, {
      maxAttempts: this.maxAttempts - 1, // cockatiel counts retries, not attempts
      backoff: new ExponentialBackoff({
        initialDelay: nonNegative(
          'retry.initialDelayMs',
          options.retry?.initialDelayMs ?? DEFAULT_RETRY.initialDelayMs,
        ),
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

  async execute<T>(operation: (signal: AbortSignal) => Promise<T>, options: ExecuteOptions = {}): Promise<T> {
    this.counts.calls += 1;
    const timeoutMs =
      options.timeoutMs === undefined ? this.timeoutMs : positive('timeoutMs', options.timeoutMs);
    const attempt = (signal: AbortSignal): Promise<T> =>
      this.breaker.execute(
        ({ signal: breakerSignal }) => this.attempt(operation, timeoutMs, breakerSignal),
        signal,
      );
    try {
      const value =
        options.retry === false
          ? await attempt(options.signal ?? new AbortController().signal)
          : await this.retrying.execute(({ signal }) => attempt(signal), options.signal);
      this.counts.successes += 1;
      return value;
    } catch (error) {
      this.counts.failures += 1;
      if (isBrokenCircuitError(error)) {
        this.counts.rejected += 1;
        const opened = this.openedAt;
        throw new CircuitOpenError(
          this.name,
          opened === null ? null : new Date(opened + this.halfOpenAfterMs),
        );
      }
      throw error;
    }
  }

  state(): ResilienceState {
    const opened = this.openedAt;
    let circuit: CircuitState;
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
  private async attempt<T>(
    operation: (signal: AbortSignal) => Promise<T>,
    timeoutMs: number,
    signal: AbortSignal,
  ): Promise<T> {
    try {
      const value = await this.timeoutPolicy(timeoutMs).execute(
        (_context, attemptSignal) => operation(attemptSignal),
        signal,
      );
      this.consecutiveFailures = 0;
      return value;
    } catch (error) {
      // (cockatiel 3.2's `isTaskCancelledError` tests the wrong property: use instanceof.)
      const failure =
        error instanceof TaskCancelledError && !signal.aborted
          ? new OperationTimeoutError(this.name, timeoutMs)
          : error;
      if (failure instanceof OperationTimeoutError) this.counts.timeouts += 1;
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
  private timeoutPolicy(timeoutMs: number): TimeoutPolicy {
    let policy = this.timeouts.get(timeoutMs);
    if (policy === undefined) {
      policy = timeout(timeoutMs, { strategy: TimeoutStrategy.Aggressive, abortOnReturn: false });
      if (this.timeouts.size < 32) this.timeouts.set(timeoutMs, policy);
    }
    return policy;
  }
}

function makeBreaker(options: BreakerOptions): IBreaker {
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
function reasonOf(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const { code, name } = error as { code?: unknown; name?: unknown };
    if (typeof code === 'string' && code !== '') return code;
    if (typeof name === 'string' && name !== '') return name;
  }
  return typeof error;
}

function positive(what: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0))
    throw new RangeError(`${what} must be a positive number, got ${value}`);
  return value;
}

function nonNegative(what: string, value: number): number {
  if (!(Number.isFinite(value) && value >= 0)) throw new RangeError(`${what} must be >= 0, got ${value}`);
  return value;
}

function positiveInteger(what: string, value: number): number {
  if (!(Number.isSafeInteger(value) && value >= 1))
    throw new RangeError(`${what} must be an integer >= 1, got ${value}`);
  return value;
}
