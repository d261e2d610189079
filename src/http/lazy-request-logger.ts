import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify';

/** Fastify's `childLoggerFactory` option type. */
type ChildLoggerFactory = NonNullable<FastifyServerOptions['childLoggerFactory']>;

/** A parent logger that can tell whether a level is enabled (pino's loggers can). */
type LevelAware = FastifyBaseLogger & { isLevelEnabled?: (level: string) => boolean };

type LogMethod = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * A request's logger that makes its pino child (`parent.child({ reqId })`) on first use. Fastify
 * makes that child for every request, and pino's `child()` runs the redaction stringifier over the
 * bindings: ~2.5% of the CPU of `GET .../status` (bench/api.ts), for a logger most requests never
 * write to (Fastify's own request lines are `info`, below the usual production level `warn`).
 *
 * Lines are identical to the eager child's: a call whose level the parent has enabled makes the
 * child and logs through it; a call below the level does nothing, as pino's would. Once made, the
 * child answers everything (so a level set on it is honoured).
 */
export class LazyRequestLogger {
  #child: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: LevelAware,
    private readonly childBindings: Record<string, unknown>,
  ) {}

  /** The pino child, made now if it was not yet. */
  get logger(): FastifyBaseLogger {
    this.#child ??= this.parent.child(this.childBindings);
    return this.#child;
  }

  /** Whether the pino child was made (tests). */
  get materialized(): boolean {
    return this.#child !== undefined;
  }

  get level(): string {
    return this.#child?.level ?? this.parent.level;
  }

  set level(level: string) {
    this.logger.level = level;
  }

  fatal(...args: unknown[]): void {
    this.write('fatal', args);
  }

  error(...args: unknown[]): void {
    this.write('error', args);
  }

  warn(...args: unknown[]): void {
    this.write('warn', args);
  }

  info(...args: unknown[]): void {
    this.write('info', args);
  }

  debug(...args: unknown[]): void {
    this.write('debug', args);
  }

  trace(...args: unknown[]): void {
    this.write('trace', args);
  }

  silent(): void {
    // pino's `silent` writes nothing.
  }

  child(bindings: Record<string, unknown>, options?: object): FastifyBaseLogger {
    return this.logger.child(bindings, options);
  }

  private write(method: LogMethod, args: unknown[]): void {
    if (this.#child === undefined && this.parent.isLevelEnabled?.(method) === false) return;
    (this.logger[method] as (...a: unknown[]) => void)(...args);
  }
}

/**
 * Fastify `childLoggerFactory` making {@link LazyRequestLogger}s. Routes with their own log level or
 * serializers get pino's child at once, as Fastify's default factory does.
 */
export const lazyChildLoggerFactory: ChildLoggerFactory = (logger, bindings, options) => {
  if (Object.keys(options).length > 0) return logger.child(bindings, options);
  return new LazyRequestLogger(logger, bindings as Record<string, unknown>) as unknown as FastifyBaseLogger;
};
