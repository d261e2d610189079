import { randomBytes } from 'node:crypto';
import { createClient, type RedisClientType } from 'redis';
import type { Logger } from '../../ports/logger.js';
import { errorSummary, OutageLog } from './outage-log.js';

/** The node-redis client type the Redis adapters share (RESP3, no modules). */
export type RedisClient = RedisClientType;

/** Options of {@link createRedisConnection}. All durations are in milliseconds. */
export interface RedisConnectionOptions {
  /** `redis[s]://[[user][:password]@]host[:port][/db]`. Never logged (it may carry a password). */
  readonly url: string;
  /** Where the connection reports outages (once per outage, not per retry) and recoveries. */
  readonly logger: Logger;
  /**
   * How long {@link RedisConnection.connect} waits for the first connection, and the limit of
   * each TCP connect attempt. Default 2,000.
   */
  readonly connectTimeoutMs?: number;
  /**
   * Deadline of every command sent through {@link RedisConnection.command}, from the call to the
   * reply. Default 250. (node-redis's own `commandOptions.timeout` is not set: it only covers the
   * time before the command is written to the socket, and costs an AbortSignal per command.)
   */
  readonly commandTimeoutMs?: number;
  /** First reconnect delay; doubled per failed attempt up to `reconnectMaxDelayMs`. Default 50. */
  readonly reconnectInitialDelayMs?: number;
  /** Cap of the reconnect delay (plus up to 10% jitter). Default 2,000. */
  readonly reconnectMaxDelayMs?: number;
  /** PING sent on an idle connection this often, to notice a dead peer; 0 disables. Default 5,000. */
  readonly pingIntervalMs?: number;
  /**
   * A socket silent for this long is dropped and reconnected (a frozen or half-open server: its
   * unanswered PING stops the pings). Must exceed `pingIntervalMs`. Default 2 × `pingIntervalMs`
   * (10,000); none when pings are disabled.
   */
  readonly socketTimeoutMs?: number;
  /** Connection name: `CLIENT SETNAME` and the `redis` binding of log lines. Default `framecast`. */
  readonly name?: string;
}

/** Outcome of {@link RedisConnection.healthCheck}; shaped like the container's `HealthResult`. */
export interface RedisHealth {
  readonly status: 'up' | 'down';
  readonly detail: {
    readonly name: string;
    /** Round trip of the SET + GET write test, in ms (also when it failed). */
    readonly latencyMs: number;
    readonly error?: string;
  };
}

/**
 * One node-redis connection that fails fast while Redis is down:
 * - the offline queue is off (`disableOfflineQueue`): while disconnected every command rejects at
 *   once with `ClientOfflineError` instead of waiting for a reconnect;
 * - every command sent through `command()` has a deadline (`commandTimeoutMs`, default 250 ms),
 *   so a frozen Redis costs a caller at most that long; a socket silent for `socketTimeoutMs`
 *   (a frozen or half-open server stops answering PINGs) is dropped and reconnected;
 * - it reconnects forever with capped exponential backoff (50 ms, 100 ms, ... 2 s, plus jitter);
 * - errors are logged once per outage (`warn`), with a reminder every minute while it lasts and
 *   an `info` when the connection is ready again. A connection never crashes the process.
 */
export interface RedisConnection {
  /** The node-redis client, for adapters. Do not call `connect`/`close` on it. */
  readonly client: RedisClient;
  /** The connection's name (see {@link RedisConnectionOptions.name}). */
  readonly name: string;
  /** The command deadline in ms (see {@link RedisConnectionOptions.commandTimeoutMs}). */
  readonly commandTimeoutMs: number;
  /**
   * Runs `send` (one command, or a few) under the command deadline. Rejects with
   * {@link RedisUnavailableError} when the client is offline (at once), when Redis answers with an
   * error, or when no reply came within `timeoutMs` (default `commandTimeoutMs`); a late reply is
   * ignored. Adapters send every command through here.
   */
  command<T>(send: (client: RedisClient) => Promise<T>, timeoutMs?: number): Promise<T>;
  /**
   * Opens the connection. Resolves once Redis answered the handshake; rejects with
   * {@link RedisUnavailableError} after `connectTimeoutMs` when it did not — the client then keeps
   * reconnecting in the background and becomes ready by itself when Redis comes up (the service
   * starts degraded instead of hanging). Idempotent: a later call resolves at once when ready, and
   * otherwise waits again, up to `connectTimeoutMs`, for the connection already being retried.
   */
  connect(): Promise<void>;
  /** Whether commands can be sent right now (connected and past the handshake). */
  isReady(): boolean;
  /** Sends PING. @returns the round trip in ms. @throws {@link RedisUnavailableError} when down or late. */
  ping(): Promise<number>;
  /**
   * A write test: SET of a connection-specific key with a 5 s TTL, then GET of the same value.
   * Never rejects; reports `down` when either step fails, times out or reads back another value.
   */
  healthCheck(): Promise<RedisHealth>;
  /** A new, unconnected connection to the same server with the same options and another name (e.g. a subscriber). */
  duplicate(name: string): RedisConnection;
  /**
   * Closes the connection: waits up to `commandTimeoutMs` for replies in flight, then drops the
   * socket; stops reconnecting. Idempotent; never rejects.
   */
  close(): Promise<void>;
}

/** Redis did not answer in time, or the connection is down. `cause` holds node-redis's error. */
export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

const HEALTH_TTL_MS = 5_000;

/** `error` as a {@link RedisUnavailableError} (kept as is when it already is one). */
function unavailable(error: unknown): RedisUnavailableError {
  return error instanceof RedisUnavailableError
    ? error
    : new RedisUnavailableError(`redis command failed: ${errorSummary(error).message}`, { cause: error });
}

/** Creates a {@link RedisConnection} (not yet connected: call `connect()`). */
export function createRedisConnection(options: RedisConnectionOptions): RedisConnection {
  return new NodeRedisConnection(options);
}

class NodeRedisConnection implements RedisConnection {
  readonly client: RedisClient;
  readonly name: string;
  readonly commandTimeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly outage: OutageLog;
  private readonly logger: Logger;
  private opened = false;
  private closing: Promise<void> | null = null;
  private readonly healthKey: string;

  constructor(private readonly options: RedisConnectionOptions) {
    this.name = options.name ?? 'framecast';
    this.commandTimeoutMs = options.commandTimeoutMs ?? 250;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 2_000;
    this.logger = options.logger.child({ redis: this.name });
    this.outage = new OutageLog(this.logger, 'redis');
    this.healthKey = `framecast:health:${this.name}:${randomBytes(6).toString('hex')}`;
    const initialDelay = options.reconnectInitialDelayMs ?? 50;
    const maxDelay = options.reconnectMaxDelayMs ?? 2_000;
    const pingInterval = options.pingIntervalMs ?? 5_000;
    const socketTimeout = options.socketTimeoutMs ?? (pingInterval > 0 ? pingInterval * 2 : undefined);
    this.client = createClient({
      url: options.url,
      name: this.name,
      disableOfflineQueue: true,
      // No `commandOptions.timeout`: node-redis would create an AbortSignal.timeout (and a
      // DOMException) per command, ~6-8% of the API's CPU (bench/). `command()` bounds every call
      // by its own deadline; a command stuck unwritten is flushed when the socket is dropped.
      pingInterval,
      socket: {
        connectTimeout: this.connectTimeoutMs,
        ...(socketTimeout === undefined ? {} : { socketTimeout }),
        reconnectStrategy: (retries: number) => {
          const delay = Math.min(maxDelay, initialDelay * 2 ** Math.min(retries, 20));
          return Math.round(delay + Math.random() * delay * 0.1);
        },
      },
    }) as unknown as RedisClient;
    // Without an `error` listener node-redis's EventEmitter crashes the process on the first outage.
    this.client.on('error', (error: unknown) => this.outage.failure(error));
    this.client.on('ready', () => this.outage.success());
    // A frozen Redis fails PINGs without a reconnect: the next answered PING ends that outage.
    this.client.on('ping-interval', () => this.outage.success());
  }

  connect(): Promise<void> {
    if (this.closing !== null) return Promise.reject(new RedisUnavailableError('connection is closed'));
    if (this.client.isReady) return Promise.resolve();
    if (!this.opened) {
      this.opened = true;
      // node-redis's connect() retries until Redis answers and never settles while it is down: it
      // is left running (the client becomes ready by itself later) and waited for with a deadline.
      this.client.connect().catch(() => undefined); // rejects only when closed while connecting
    }
    return new Promise<void>((resolve, reject) => {
      const onReady = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.client.off('ready', onReady);
        const error = new RedisUnavailableError(
          `redis did not answer within ${this.connectTimeoutMs} ms; reconnecting in the background`,
        );
        this.outage.failure(error);
        reject(error);
      }, this.connectTimeoutMs);
      this.client.once('ready', onReady);
    });
  }

  isReady(): boolean {
    return this.closing === null && this.client.isReady;
  }

  command<T>(send: (client: RedisClient) => Promise<T>, timeoutMs = this.commandTimeoutMs): Promise<T> {
    let sent: Promise<T>;
    try {
      sent = send(this.client);
    } catch (error) {
      return Promise.reject(unavailable(error));
    }
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new RedisUnavailableError(`redis did not answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
      sent.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(unavailable(error));
        },
      );
    });
  }

  async ping(): Promise<number> {
    const started = performance.now();
    try {
      await this.command((client) => client.ping());
    } catch (error) {
      throw new RedisUnavailableError(`redis PING failed: ${errorSummary(error).message}`, { cause: error });
    }
    return performance.now() - started;
  }

  async healthCheck(): Promise<RedisHealth> {
    const started = performance.now();
    const latencyMs = (): number => Math.round((performance.now() - started) * 100) / 100;
    const value = randomBytes(8).toString('hex');
    try {
      await this.command((client) =>
        client.set(this.healthKey, value, { expiration: { type: 'PX', value: HEALTH_TTL_MS } }),
      );
      const read = await this.command((client) => client.get(this.healthKey));
      if (read !== value) {
        return {
          status: 'down',
          detail: { name: this.name, latencyMs: latencyMs(), error: 'read back a different value' },
        };
      }
      return { status: 'up', detail: { name: this.name, latencyMs: latencyMs() } };
    } catch (error) {
      return {
        status: 'down',
        detail: { name: this.name, latencyMs: latencyMs(), error: errorSummary(error).message },
      };
    }
  }

  duplicate(name: string): RedisConnection {
    return new NodeRedisConnection({ ...this.options, name });
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    if (!this.client.isOpen) return;
    if (!this.client.isReady) {
      // Reconnecting: nothing to drain, and close() would wait for a socket that never comes.
      this.client.destroy();
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), this.commandTimeoutMs);
    });
    try {
      const outcome = await Promise.race([this.client.close().then(() => 'closed' as const), late]);
      if (outcome === 'late' && this.client.isOpen) this.client.destroy();
    } catch {
      if (this.client.isOpen) this.client.destroy();
    } finally {
      clearTimeout(timer);
    }
  }
}
