import { pino, type DestinationStream, type Level, type Logger as PinoBaseLogger } from 'pino';
import type { Logger } from '../../ports/logger.js';

/** Field names whose values are secrets wherever they appear (top level or one level down). */
export const SECRET_FIELDS: readonly string[] = [
  'password',
  'passphrase',
  'secret',
  'clientSecret',
  'secretKey',
  'secretAccessKey',
  'privateKey',
  'apiKey',
  'api_key',
  'token',
  'accessToken',
  'refreshToken',
  'idToken',
  'sessionToken',
  'authorization',
  'cookie',
  'connectionString',
  'databaseUrl',
  'redisUrl',
  'jwtKey',
  'webhookSecret',
  'signingSecret',
];

/** Header paths (request and response, as pino and Fastify serialise them) that carry credentials. */
export const SECRET_HEADER_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'headers["x-api-key"]',
];

/** Every path the logger redacts by default (pino `redact` syntax). */
export const DEFAULT_REDACT_PATHS: readonly string[] = [
  ...SECRET_HEADER_PATHS,
  ...SECRET_FIELDS.flatMap((field) => [field, `*.${field}`]),
];

/** What replaces a redacted value. */
export const REDACTED = '[Redacted]';

export interface PinoLoggerOptions {
  /** Minimum level written. */
  readonly level: Level | 'silent';
  /**
   * Pretty printing is not built in (no pino-pretty dependency): output is always JSON lines.
   * In development pipe it through `npx pino-pretty` if wanted.
   */
  readonly pretty?: false;
  /** More paths to redact, in pino `redact` syntax (`a.b`, `*.c`, `d["e-f"]`), added to {@link DEFAULT_REDACT_PATHS}. */
  readonly redactPaths?: readonly string[];
  /** Fields on every line (service name, version...). Default: `pid` and `hostname` as pino does. */
  readonly base?: Record<string, unknown>;
  /** Where lines go. Default: stdout (synchronous `pino.destination(1)`). Tests pass a stream. */
  readonly destination?: DestinationStream;
  /**
   * Fields of the unit of work running now (e.g. `{ reqId }` of the HTTP request), added to every
   * line unless the logger already binds the same key (Fastify's request logger binds `reqId`).
   */
  readonly context?: () => Readonly<Record<string, unknown>> | undefined;
}

/** The pino logger type returned, usable as the `Logger` port and as Fastify's `loggerInstance`. */
export type PinoLogger = PinoBaseLogger<never, boolean>;

/**
 * Creates the service's pino logger: JSON lines with `time` as ISO 8601 (UTC, ms), `level` as its
 * label (`"info"`), errors under `err` serialised with stack, and secrets replaced by
 * `"[Redacted]"` at {@link DEFAULT_REDACT_PATHS} plus `redactPaths`. Children inherit all of it.
 * @throws Error from pino when a redact path is not valid syntax.
 */
export function createPinoLogger(options: PinoLoggerOptions): PinoLogger {
  const logger = pino(
    {
      level: options.level,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: [...DEFAULT_REDACT_PATHS, ...(options.redactPaths ?? [])], censor: REDACTED },
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
      ...(options.base === undefined ? {} : { base: options.base }),
      ...(options.context === undefined ? {} : { mixin: contextMixin(options.context) }),
    },
    options.destination ?? pino.destination(1),
  );
  return logger satisfies Logger;
}

/** A pino `mixin` adding the current context's fields that the logging logger does not bind itself. */
function contextMixin(
  context: () => Readonly<Record<string, unknown>> | undefined,
): (merge: object, level: number, logger: PinoBaseLogger) => object {
  return (_merge, _level, logger) => {
    const fields = context();
    if (fields === undefined) return {};
    const bound = (logger as unknown as Record<symbol, string | undefined>)[pino.symbols.chindingsSym] ?? '';
    const added: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(fields)) if (!bound.includes(`"${key}":`)) added[key] = value;
    return added;
  };
}
