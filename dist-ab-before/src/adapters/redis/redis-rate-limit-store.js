import { createHash } from 'node:crypto';
import { errorSummary, OutageLog } from './outage-log.js';
/**
 * The counter script of @fastify/rate-limit's own `RedisStore` (11.x), verbatim: INCR, and PEXPIRE
 * on the first hit of a window (or on every hit past `max` with `continueExceeding`, or doubling
 * per hit past `max` with `exponentialBackoff`). Returns `{ current, ttlMs }`.
 */
export const RATE_LIMIT_LUA = `
  -- Key to operate on
  local key = KEYS[1]
  -- Time window for the TTL
  local timeWindow = tonumber(ARGV[1])
  -- Max requests
  local max = tonumber(ARGV[2])
  -- Flag to determine if TTL should be reset after exceeding
  local continueExceeding = ARGV[3] == 'true'
  --Flag to determine if exponential backoff should be applied
  local exponentialBackoff = ARGV[4] == 'true'

  --Max safe integer
  local MAX_SAFE_INTEGER = (2^53) - 1

  -- Increment the key's value
  local current = redis.call('INCR', key)

  if current == 1 or (continueExceeding and current > max) then
    redis.call('PEXPIRE', key, timeWindow)
  elseif exponentialBackoff and current > max then
    local backoffExponent = current - max - 1
    timeWindow = math.min(timeWindow * (2 ^ backoffExponent), MAX_SAFE_INTEGER)
    redis.call('PEXPIRE', key, timeWindow)
  else
    timeWindow = redis.call('PTTL', key)
  end

  return {current, timeWindow}
`;
/** The read-only script of @fastify/rate-limit's `RedisStore` (for `{ increment: false }`), verbatim. */
export const RATE_LIMIT_READ_LUA = `
  -- Key to operate on
  local key = KEYS[1]

  -- Read the counter without mutating it
  local current = redis.call('GET', key)

  -- A missing key returns false from redis.call (and nil from redis.pcall);
  -- "not current" covers both, so the clean-state branch is robust either way.
  if not current then
    -- Key doesn't exist: clean state
    return {0, 0}
  end

  -- Read the remaining TTL in milliseconds
  local ttl = redis.call('PTTL', key)
  if ttl < 0 then
    -- -2 (no key) or -1 (no expiry): report no active window
    ttl = 0
  end

  return {tonumber(current), ttl}
`;
/**
 * The code and status of the error a store passes back when Redis cannot count. With the plugin's
 * `skipOnError: true` the request goes through (fail open); with `false` the plugin throws it and
 * Fastify answers **503** with `Retry-After: 1` (fail closed: the limit cannot be checked, which is
 * the server's fault, not the client's — 429 would tell a well-behaved client it sent too much).
 */
export const RATE_LIMIT_UNAVAILABLE = { code: 'RATE_LIMIT_UNAVAILABLE', statusCode: 503 };
/** Redis could not count a request (down, late, or a script error). Carries `statusCode` 503 for Fastify. */
export class RateLimitUnavailableError extends Error {
    name = 'RateLimitUnavailableError';
    code = RATE_LIMIT_UNAVAILABLE.code;
    statusCode = RATE_LIMIT_UNAVAILABLE.statusCode;
    /** Headers Fastify's default error handler sets on the reply. */
    headers = { 'retry-after': '1' };
    constructor(message, options) {
        super(message, options);
    }
}
const sha1 = (text) => createHash('sha1').update(text).digest('hex');
/**
 * A Redis store for @fastify/rate-limit on node-redis (the plugin's built-in store needs ioredis).
 * Counting is the plugin's own Lua (see {@link RATE_LIMIT_LUA}), run with EVALSHA; its SHA-1 is
 * computed locally, and on NOSCRIPT (first use, or after a Redis restart or SCRIPT FLUSH) the
 * script is loaded with SCRIPT LOAD and the call retried once.
 *
 * Never hangs: when the connection is not ready the callback gets a {@link RateLimitUnavailableError}
 * on the next tick; otherwise each command has the connection's deadline (250 ms by default) and
 * the whole call `timeoutMs`. Keys: `${keyPrefix}${key}` globally, `${keyPrefix}${method}${url}-${key}` for a
 * route with its own `config.rateLimit` (as the plugin's store does).
 *
 * @example
 * await app.register(rateLimit, {
 *   store: createRedisRateLimitStore({ connection, logger }),
 *   skipOnError: config.rateLimit.failOpen,
 *   max: 600, timeWindow: 60_000,
 * });
 */
export function createRedisRateLimitStore(options) {
    const shared = new ScriptRunner(options);
    const prefix = options.keyPrefix ?? 'framecast:rate-limit:';
    return class RedisRateLimitStore {
        keyPrefix;
        continueExceeding;
        exponentialBackoff;
        constructor(options, keyPrefix = prefix) {
            this.keyPrefix = keyPrefix;
            const params = options;
            this.continueExceeding = params.continueExceeding === true;
            this.exponentialBackoff = params.exponentialBackoff === true;
        }
        incr(key, callback, timeWindow, max) {
            shared.run(RATE_LIMIT_LUA, this.keyPrefix + key, [String(timeWindow), String(max), String(this.continueExceeding), String(this.exponentialBackoff)], callback);
        }
        read(key, callback) {
            shared.run(RATE_LIMIT_READ_LUA, this.keyPrefix + key, [], callback);
        }
        child(routeOptions) {
            const { routeInfo } = routeOptions;
            const method = routeInfo?.method ?? '';
            const url = routeInfo?.url ?? '';
            return new RedisRateLimitStore(routeOptions, `${this.keyPrefix}${String(method)}${url}-`);
        }
    };
}
/** Runs the scripts for every store of one factory (one SHA cache, one outage log). */
class ScriptRunner {
    connection;
    outage;
    timeoutMs;
    shas = new Map();
    constructor(options) {
        this.connection = options.connection;
        this.outage = new OutageLog(options.logger.child({ component: 'redis-rate-limit' }), 'redis rate limit');
        this.timeoutMs = options.timeoutMs ?? options.connection.commandTimeoutMs * 2 + 50;
    }
    run(script, key, args, callback) {
        if (!this.connection.isReady()) {
            const error = new RateLimitUnavailableError('redis is not connected');
            this.outage.failure(error);
            process.nextTick(callback, error);
            return;
        }
        let done = false;
        const finish = (error, result) => {
            if (done)
                return;
            done = true;
            clearTimeout(timer);
            if (error === null)
                this.outage.success();
            else
                this.outage.failure(error);
            callback(error, result);
        };
        const timer = setTimeout(() => finish(new RateLimitUnavailableError(`redis did not count within ${this.timeoutMs} ms`)), this.timeoutMs);
        this.evaluate(script, key, args).then((result) => finish(null, result), (error) => finish(new RateLimitUnavailableError(`redis could not count: ${errorSummary(error).message}`, {
            cause: error,
        })));
    }
    async evaluate(script, key, args) {
        const sha = this.sha(script);
        const run = () => this.connection.command((client) => client.evalSha(sha, { keys: [key], arguments: args }));
        let reply;
        try {
            reply = await run();
        }
        catch (error) {
            if (!isNoScript(error))
                throw error;
            await this.load(script, sha);
            reply = await run();
        }
        return toCount(reply);
    }
    /** SCRIPT LOAD, after NOSCRIPT (first use, a Redis restart or SCRIPT FLUSH). */
    async load(script, sha) {
        const loaded = await this.connection.command((client) => client.scriptLoad(script));
        if (loaded !== sha)
            throw new Error(`SCRIPT LOAD returned ${loaded}, expected ${sha}`);
    }
    sha(script) {
        let sha = this.shas.get(script);
        if (sha === undefined) {
            sha = sha1(script);
            this.shas.set(script, sha);
        }
        return sha;
    }
}
/** Whether Redis answered NOSCRIPT (directly, or as the cause of the connection's error). */
function isNoScript(error) {
    for (let e = error; e instanceof Error; e = e.cause) {
        if (e.message.startsWith('NOSCRIPT'))
            return true;
    }
    return false;
}
function toCount(reply) {
    if (Array.isArray(reply) && reply.length === 2) {
        const [current, ttl] = reply.map(Number);
        if (Number.isFinite(current) && Number.isFinite(ttl))
            return { current: current, ttl: ttl };
    }
    throw new Error(`unexpected rate-limit script reply: ${JSON.stringify(reply)}`);
}
//# sourceMappingURL=redis-rate-limit-store.js.map