import { pino } from 'pino';
/** Field names whose values are secrets wherever they appear (top level or one level down). */
export const SECRET_FIELDS = [
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
export const SECRET_HEADER_PATHS = [
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
export const DEFAULT_REDACT_PATHS = [
    ...SECRET_HEADER_PATHS,
    ...SECRET_FIELDS.flatMap((field) => [field, `*.${field}`]),
];
/** What replaces a redacted value. */
export const REDACTED = '[Redacted]';
/**
 * Creates the service's pino logger: JSON lines with `time` as ISO 8601 (UTC, ms), `level` as its
 * label (`"info"`), errors under `err` serialised with stack, and secrets replaced by
 * `"[Redacted]"` at {@link DEFAULT_REDACT_PATHS} plus `redactPaths`. Children inherit all of it.
 * @throws Error from pino when a redact path is not valid syntax.
 */
export function createPinoLogger(options) {
    const logger = pino({
        level: options.level,
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
        redact: { paths: [...DEFAULT_REDACT_PATHS, ...(options.redactPaths ?? [])], censor: REDACTED },
        serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
        ...(options.base === undefined ? {} : { base: options.base }),
        ...(options.context === undefined ? {} : { mixin: contextMixin(options.context) }),
    }, options.destination ?? pino.destination(1));
    return logger;
}
/** A pino `mixin` adding the current context's fields that the logging logger does not bind itself. */
function contextMixin(context) {
    return (_merge, _level, logger) => {
        const fields = context();
        if (fields === undefined)
            return {};
        const bound = logger[pino.symbols.chindingsSym] ?? '';
        const added = {};
        for (const [key, value] of Object.entries(fields))
            if (!bound.includes(`"${key}":`))
                added[key] = value;
        return added;
    };
}
//# sourceMappingURL=pino-logger.js.map