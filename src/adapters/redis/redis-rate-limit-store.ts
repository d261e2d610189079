import { createHash } from 'node:crypto';
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Logger } from '../../ports/logger.js';
import { errorSummary, OutageLog } from './outage-log.js';
import { RATE_LIMIT_LEASE_LUA, RateLimitLeases, type LeaseGrant } from './rate-limit-leases.js';
import type { RedisConnection } from './redis-connection.js';

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

/** A counter's state as the plugin wants it: hits in the window and the window's rest, in ms. */
export interface RateLimitCount {
  readonly current: number;
  readonly ttl: number;
}

type Callback = (error: Error | null, result?: RateLimitCount) => void;

/**
 * The part of the plugin's options a store reads: the constructor gets the merged global options,
 * `child()` the merged options of a route with its own `config.rateLimit` (the plugin's typings
 * call them `FastifyRateLimitOptions` and `RouteOptions`; at run time both carry these fields).
 */
export interface RateLimitStoreParams {
  readonly continueExceeding?: boolean;
  readonly exponentialBackoff?: boolean;
  readonly routeInfo?: { readonly method?: string | readonly string[]; readonly url?: string };
}

/** The store contract of @fastify/rate-limit 11, plus the optional `read` (`{ increment: false }`). */
export interface RateLimitStore extends FastifyRateLimitStore {
  read(key: string, callback: Callback, timeWindow?: number, max?: number): void;
}

/** What the plugin's `store` option takes: `new Store(globalParams)`. */
export type RateLimitStoreClass = FastifyRateLimitStoreCtor;

/** Options of {@link createRedisRateLimitStore}. */
export interface RedisRateLimitStoreOptions {
  /** The shared command connection. Owned by the caller. */
  readonly connection: RedisConnection;
  /** Reports outages once per outage. */
  readonly logger: Logger;
  /** Prepended to every counter key. Default `framecast:rate-limit:`. */
  readonly keyPrefix?: string;
  /**
   * Hard deadline of one `incr`/`read`, in ms, on top of the connection's command timeout (a
   * NOSCRIPT reload takes two more round trips). Default: 2 × the connection's command timeout + 50.
   */
  readonly timeoutMs?: number;
  /**
   * Local admission from leased hits (see {@link RateLimitLeases}): a process takes
   * `ceil(max × leaseFraction)` hits of a window per Redis round trip, at most `maxLeaseSize`.
   * Never over-admits; across N processes up to `(N - 1) × (lease size - 1)` hits per window may
   * go unused. Limits whose lease size is 1 (under 200 per window with the defaults), routes with
   * `continueExceeding` or `exponentialBackoff`, and `maxLeaseSize: 1` count every request in Redis.
   * Defaults: `maxLeaseSize` 256, `leaseFraction` 0.01.
   */
  readonly leases?: { readonly maxLeaseSize?: number; readonly leaseFraction?: number };
}

/**
 * The code and status of the error a store passes back when Redis cannot count. With the plugin's
 * `skipOnError: true` the request goes through (fail open); with `false` the plugin throws it and
 * Fastify answers **503** with `Retry-After: 1` (fail closed: the limit cannot be checked, which is
 * the server's fault, not the client's — 429 would tell a well-behaved client it sent too much).
 */
export const RATE_LIMIT_UNAVAILABLE = { code: 'RATE_LIMIT_UNAVAILABLE', statusCode: 503 } as const;

/** Redis could not count a request (down, late, or a script error). Carries `statusCode` 503 for Fastify. */
export class RateLimitUnavailableError extends Error {
  override readonly name = 'RateLimitUnavailableError';
  readonly code = RATE_LIMIT_UNAVAILABLE.code;
  readonly statusCode = RATE_LIMIT_UNAVAILABLE.statusCode;
  /** Headers Fastify's default error handler sets on the reply. */
  readonly headers = { 'retry-after': '1' };
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

const sha1 = (text: string): string => createHash('sha1').update(text).digest('hex');

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
export function createRedisRateLimitStore(options: RedisRateLimitStoreOptions): RateLimitStoreClass {
  const shared = new ScriptRunner(options);
  const prefix = options.keyPrefix ?? 'framecast:rate-limit:';
  const leases = new RateLimitLeases({
    ...options.leases,
    request: (key, timeWindow, max, want, callback) =>
      shared.run(
        RATE_LIMIT_LEASE_LUA,
        key,
        [String(timeWindow), String(max), String(want)],
        toGrant,
        callback,
      ),
  });
  return class RedisRateLimitStore implements RateLimitStore {
    private readonly continueExceeding: boolean;
    private readonly exponentialBackoff: boolean;

    constructor(
      options: object,
      private readonly keyPrefix: string = prefix,
    ) {
      const params = options as RateLimitStoreParams;
      this.continueExceeding = params.continueExceeding === true;
      this.exponentialBackoff = params.exponentialBackoff === true;
    }

    incr(key: string, callback: Callback, timeWindow: number, max: number): void {
      if (!this.continueExceeding && !this.exponentialBackoff && leases.leaseSize(max) > 1) {
        leases.incr(this.keyPrefix + key, callback, timeWindow, max);
        return;
      }
      shared.run(
        RATE_LIMIT_LUA,
        this.keyPrefix + key,
        [String(timeWindow), String(max), String(this.continueExceeding), String(this.exponentialBackoff)],
        toCount,
        callback,
      );
    }

    /** Redis's count: with leases it includes hits leased by any process but not used yet. */
    read(key: string, callback: Callback): void {
      shared.run(RATE_LIMIT_READ_LUA, this.keyPrefix + key, [], toCount, callback);
    }

    child(routeOptions: object): RateLimitStore {
      const { routeInfo } = routeOptions as RateLimitStoreParams;
      const method = routeInfo?.method ?? '';
      const url = routeInfo?.url ?? '';
      return new RedisRateLimitStore(routeOptions, `${this.keyPrefix}${String(method)}${url}-`);
    }
  };
}

/** Runs the scripts for every store of one factory (one SHA cache, one outage log). */
class ScriptRunner {
  private readonly connection: RedisConnection;
  private readonly outage: OutageLog;
  private readonly timeoutMs: number;
  private readonly shas = new Map<string, string>();

  constructor(options: RedisRateLimitStoreOptions) {
    this.connection = options.connection;
    this.outage = new OutageLog(options.logger.child({ component: 'redis-rate-limit' }), 'redis rate limit');
    this.timeoutMs = options.timeoutMs ?? options.connection.commandTimeoutMs * 2 + 50;
  }

  run<R>(
    script: string,
    key: string,
    args: string[],
    parse: (reply: unknown) => R,
    callback: (error: Error | null, result?: R) => void,
  ): void {
    if (!this.connection.isReady()) {
      const error = new RateLimitUnavailableError('redis is not connected');
      this.outage.failure(error);
      process.nextTick(callback, error);
      return;
    }
    let done = false;
    const finish = (error: Error | null, result?: R): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (error === null) this.outage.success();
      else this.outage.failure(error);
      callback(error, result);
    };
    const timer = setTimeout(
      () => finish(new RateLimitUnavailableError(`redis did not count within ${this.timeoutMs} ms`)),
      this.timeoutMs,
    );
    this.evaluate(script, key, args, parse).then(
      (result) => finish(null, result),
      (error: unknown) =>
        finish(
          new RateLimitUnavailableError(`redis could not count: ${errorSummary(error).message}`, {
            cause: error,
          }),
        ),
    );
  }

  private async evaluate<R>(
    script: string,
    key: string,
    args: string[],
    parse: (reply: unknown) => R,
  ): Promise<R> {
    const sha = this.sha(script);
    const run = (): Promise<unknown> =>
      this.connection.command((client) => client.evalSha(sha, { keys: [key], arguments: args }));
    let reply: unknown;
    try {
      reply = await run();
    } catch (error) {
      if (!isNoScript(error)) throw error;
      await this.load(script, sha);
      reply = await run();
    }
    return parse(reply);
  }

  /** SCRIPT LOAD, after NOSCRIPT (first use, a Redis restart or SCRIPT FLUSH). */
  private async load(script: string, sha: string): Promise<void> {
    const loaded = await this.connection.command((client) => client.scriptLoad(script));
    if (loaded !== sha) throw new Error(`SCRIPT LOAD returned ${loaded}, expected ${sha}`);
  }

  private sha(script: string): string {
    let sha = this.shas.get(script);
    if (sha === undefined) {
      sha = sha1(script);
      this.shas.set(script, sha);
    }
    return sha;
  }
}

/** Whether Redis answered NOSCRIPT (directly, or as the cause of the connection's error). */
function isNoScript(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (e.message.startsWith('NOSCRIPT')) return true;
  }
  return false;
}

function toGrant(reply: unknown): LeaseGrant {
  if (Array.isArray(reply) && reply.length === 3) {
    const [current, ttlMs, granted] = reply.map(Number);
    if (Number.isFinite(current) && Number.isFinite(ttlMs) && Number.isInteger(granted) && granted! >= 1)
      return { current: current!, ttlMs: ttlMs!, granted: granted! };
  }
  throw new Error(`unexpected rate-limit lease reply: ${JSON.stringify(reply)}`);
}

function toCount(reply: unknown): RateLimitCount {
  if (Array.isArray(reply) && reply.length === 2) {
    const [current, ttl] = reply.map(Number);
    if (Number.isFinite(current) && Number.isFinite(ttl)) return { current: current!, ttl: ttl! };
  }
  throw new Error(`unexpected rate-limit script reply: ${JSON.stringify(reply)}`);
}
