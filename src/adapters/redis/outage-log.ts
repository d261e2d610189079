import type { Logger } from '../../ports/logger.js';

/** Options of {@link OutageLog}. */
export interface OutageLogOptions {
  /** While the outage lasts, repeat the warning at most this often, in ms. Default 60,000. */
  readonly repeatEveryMs?: number;
  /** Clock in ms since the epoch (tests). Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * Turns a stream of failures of one dependency into a few log lines: a `warn` at the first
 * failure of an outage, a reminder with the number of failures at most every `repeatEveryMs`,
 * and an `info` with the outage's length and failure count at the first success after it.
 * A Redis outage fails every command and every reconnect attempt; logging each would flood the log.
 */
export class OutageLog {
  private failingSince: number | null = null;
  private failures = 0;
  private lastLoggedAt = 0;
  private readonly repeatEveryMs: number;
  private readonly now: () => number;

  constructor(
    private readonly logger: Logger,
    /** What fails, as it appears in the messages (`'redis'`, `'redis publish'`). */
    private readonly what: string,
    options: OutageLogOptions = {},
  ) {
    this.repeatEveryMs = options.repeatEveryMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  /** Whether the last recorded outcome was a failure. */
  get failing(): boolean {
    return this.failingSince !== null;
  }

  /** Records a failure; logs it when it starts an outage or a reminder is due. */
  failure(error: unknown, context: Record<string, unknown> = {}): void {
    const now = this.now();
    this.failures += 1;
    if (this.failingSince === null) {
      this.failingSince = now;
      this.lastLoggedAt = now;
      this.safely(() =>
        this.logger.warn({ ...context, err: errorSummary(error) }, `${this.what} unavailable`),
      );
    } else if (now - this.lastLoggedAt >= this.repeatEveryMs) {
      this.lastLoggedAt = now;
      this.safely(() =>
        this.logger.warn(
          {
            ...context,
            err: errorSummary(error),
            failures: this.failures,
            downForMs: now - this.failingSince!,
          },
          `${this.what} still unavailable`,
        ),
      );
    }
  }

  /** Records a success; logs the recovery when it ends an outage. */
  success(context: Record<string, unknown> = {}): void {
    if (this.failingSince === null) return;
    const downForMs = this.now() - this.failingSince;
    const failures = this.failures;
    this.failingSince = null;
    this.failures = 0;
    this.safely(() => this.logger.info({ ...context, downForMs, failures }, `${this.what} available again`));
  }

  private safely(log: () => void): void {
    try {
      log();
    } catch {
      // A failing logger must not turn a degraded dependency into a crash.
    }
  }
}

/** A short, serialisable description of an error (no stack: outages are expected). */
export function errorSummary(error: unknown): { name: string; message: string; code?: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const message =
      error.message || (error instanceof AggregateError ? error.errors.map(String).join('; ') : error.name);
    return typeof code === 'string' ? { name: error.name, message, code } : { name: error.name, message };
  }
  return { name: 'Error', message: String(error) };
}
