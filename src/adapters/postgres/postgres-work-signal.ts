import pg from 'pg';
import type { Logger } from '../../ports/logger.js';
import type { WorkSignal } from '../../ports/work-signal.js';
import { describePostgres } from './connect-with-retry.js';

/** What `notify()` sends `NOTIFY` through: a `pg.Pool` (the application's pool) or a `pg.Client`. */
export interface NotifyQueryable {
  query(text: string, values: unknown[]): Promise<unknown>;
}

export interface PostgresWorkSignalOptions {
  /** Sends `NOTIFY` (one short query on a pooled connection per `notify()`). */
  readonly pool: NotifyQueryable;
  /**
   * `postgres://user:password@host:port/database`: the dedicated listening connection is opened
   * from it (LISTEN cannot share a pooled connection). Must reach the same database as `pool`.
   */
  readonly connectionString: string;
  /**
   * Channel name, a lowercase identifier of at most 63 characters; every process of one deployment
   * must use the same. Default `framecast_jobs`. Tests give each subject its own.
   */
  readonly channel?: string | undefined;
  /** Outages (one `warn` when the connection is lost, one `info` when it is back) and listener errors. */
  readonly logger?: Logger | undefined;
  /** First reconnect delay in ms after a failed attempt, doubled each time. Default 100. */
  readonly reconnectBaseDelayMs?: number | undefined;
  /** Largest reconnect delay in ms. Default 5 000. */
  readonly reconnectMaxDelayMs?: number | undefined;
  /** Connect timeout of the listening connection in ms. Default 5 000. */
  readonly connectionTimeoutMs?: number | undefined;
  /**
   * Period in ms of a `SELECT 1` on the listening connection; a failure or no answer within the
   * period counts as a lost connection (catches half-open TCP that keep-alive has not noticed yet).
   * Default 30 000; 0 disables it.
   */
  readonly heartbeatMs?: number | undefined;
  /** `application_name` of the listening connection (visible in `pg_stat_activity`). Default `framecast-work-signal`. */
  readonly applicationName?: string | undefined;
}

/** Where the listening connection is: `idle` before the first subscribe, `closed` after `close()`. */
export type PostgresWorkSignalState = 'idle' | 'connecting' | 'listening' | 'reconnecting' | 'closed';

const DEFAULT_CHANNEL = 'framecast_jobs';
const STOP: unique symbol = Symbol('stop');
const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;

interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const messageOf = (error: unknown): string =>
  error instanceof AggregateError && error.errors.length > 0
    ? error.errors.map(messageOf).join('; ')
    : error instanceof Error
      ? error.message || error.name
      : String(error);

const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};

/**
 * The work signal across processes (DESIGN §6): `notify()` runs `pg_notify(channel, '')` through the
 * given pool; `subscribe()` shares ONE dedicated `pg.Client` per instance among all the process's
 * listeners, opened on the first subscribe and kept until `close()`.
 *
 * When that connection drops (server restart, `pg_terminate_backend`, network), it reconnects with
 * capped exponential backoff and re-runs `LISTEN`, logging one `warn` per outage and one `info` on
 * recovery; after reconnecting it wakes every listener once, because signals sent during the
 * outage were lost. Listeners run synchronously on the client's notification; what they throw or
 * reject is logged, never thrown into the client. Best effort, like the port: workers also poll.
 */
export class PostgresWorkSignal implements WorkSignal {
  private readonly listeners = new Set<() => void>();
  private readonly channel: string;
  private readonly logger: Logger;
  private readonly target: string;
  private readonly stopping = deferred<typeof STOP>();
  private supervisor: Promise<void> | null = null;
  /** Settles when the connect attempt under way ends (either way); `null` between attempts. */
  private attempt: Promise<void> | null = null;
  private current: PostgresWorkSignalState = 'idle';
  private closing: Promise<void> | null = null;

  /** @throws Error for an invalid channel name or negative delays. */
  constructor(private readonly options: PostgresWorkSignalOptions) {
    this.channel = options.channel ?? DEFAULT_CHANNEL;
    if (!CHANNEL.test(this.channel))
      throw new Error(
        `channel must be a lowercase identifier (a-z, 0-9, _; at most 63), got "${this.channel}"`,
      );
    for (const name of [
      'reconnectBaseDelayMs',
      'reconnectMaxDelayMs',
      'connectionTimeoutMs',
      'heartbeatMs',
    ] as const) {
      const value = options[name];
      if (value !== undefined && !(value >= 0 && Number.isFinite(value)))
        throw new Error(`${name} must be a non-negative number, got ${value}`);
    }
    this.logger = options.logger ?? silentLogger;
    this.target = describePostgres(options.connectionString);
  }

  /** The listening connection's state (for health checks and tests). */
  get state(): PostgresWorkSignalState {
    return this.current;
  }

  /** Number of subscribed listeners. */
  get listenerCount(): number {
    return this.listeners.size;
  }

  /**
   * Sends one signal to every subscriber of the channel, in every process.
   * @throws the pool's error when the database does not answer (callers treat it as best effort).
   */
  async notify(): Promise<void> {
    await this.options.pool.query('SELECT pg_notify($1, $2)', [this.channel, '']);
  }

  /**
   * Registers `listener`. The first subscribe opens the listening connection and waits for that
   * first attempt (so a signal sent once this resolves is delivered); when the attempt fails it
   * resolves anyway and keeps reconnecting in the background.
   * @throws Error after `close()`.
   */
  async subscribe(listener: () => void): Promise<() => Promise<void>> {
    if (this.closing !== null) throw new Error('PostgresWorkSignal is closed');
    const own = (): void => listener();
    this.listeners.add(own);
    this.supervisor ??= this.supervise();
    await this.attempt;
    return async () => {
      this.listeners.delete(own);
    };
  }

  /** Ends the listening connection and forgets every listener. Idempotent; does not end `pool`. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.stopping.resolve(STOP);
      await this.supervisor;
      this.listeners.clear();
      this.current = 'closed';
    })();
    return this.closing;
  }

  private wake(): void {
    for (const listener of [...this.listeners]) {
      try {
        const returned = listener() as unknown;
        if (returned instanceof Promise)
          returned.catch((error: unknown) =>
            this.logger.warn({ err: error, channel: this.channel }, 'work signal listener failed'),
          );
      } catch (error) {
        this.logger.warn({ err: error, channel: this.channel }, 'work signal listener failed');
      }
    }
  }

  /** Keeps one listening connection open until `close()`: connect, LISTEN, wait for loss, repeat. */
  private async supervise(): Promise<void> {
    const baseDelayMs = this.options.reconnectBaseDelayMs ?? 100;
    const maxDelayMs = Math.max(this.options.reconnectMaxDelayMs ?? 5_000, baseDelayMs);
    let failures = 0;
    /** When the current outage began (`null` while connected or before the first connection). */
    let outageSince: number | null = null;
    let everConnected = false;
    /** Consecutive connections lost within a second of opening (a server that keeps dropping them). */
    let flaps = 0;
    const backoff = (n: number): number =>
      Math.min(maxDelayMs, baseDelayMs * 2 ** (n - 1)) * (0.8 + 0.2 * Math.random());
    while (this.closing === null) {
      this.current = everConnected ? 'reconnecting' : 'connecting';
      const client = this.newClient();
      const lost = deferred<Error>();
      client.on('error', (error) => lost.resolve(error));
      client.on('end', () => lost.resolve(new Error('connection ended')));
      client.on('notification', (message) => {
        if (message.channel === this.channel) this.wake();
      });

      const connecting = this.connect(client);
      this.attempt = connecting.then(() => undefined);
      const failure = await Promise.race([connecting, this.stopping.promise]);
      this.attempt = null;
      if (failure === STOP) {
        await this.end(client);
        break;
      }
      if (failure !== null) {
        void client.end().catch(() => undefined);
        failures += 1;
        if (outageSince === null) {
          outageSince = Date.now();
          this.logger.warn(
            { target: this.target, channel: this.channel, err: messageOf(failure) },
            everConnected
              ? 'work signal: cannot reconnect the LISTEN connection; retrying with backoff'
              : 'work signal: cannot open the LISTEN connection; retrying with backoff',
          );
        } else {
          this.logger.debug(
            { target: this.target, attempt: failures, err: messageOf(failure) },
            'work signal: reconnect attempt failed',
          );
        }
        await this.pause(backoff(failures));
        continue;
      }
      this.current = 'listening';
      if (outageSince !== null) {
        this.logger.info(
          {
            target: this.target,
            channel: this.channel,
            outageMs: Date.now() - outageSince,
            attempts: failures,
          },
          'work signal: LISTEN connection restored',
        );
        // Signals sent while disconnected were lost: let every listener look for work once.
        if (everConnected) this.wake();
      }
      everConnected = true;
      failures = 0;
      const connectedAt = Date.now();

      const heartbeat = this.startHeartbeat(client, lost);
      const reason = await Promise.race([lost.promise, this.stopping.promise]);
      if (heartbeat !== null) clearInterval(heartbeat);
      if (reason === STOP) {
        await this.end(client);
        break;
      }
      void client.end().catch(() => undefined);
      outageSince = Date.now();
      this.logger.warn(
        { target: this.target, channel: this.channel, err: messageOf(reason) },
        'work signal: LISTEN connection lost; reconnecting',
      );
      // Reconnect at once: most drops (a terminated backend, a failover) are over immediately;
      // but back off when connections keep dropping right after they open.
      flaps = Date.now() - connectedAt < 1_000 ? flaps + 1 : 0;
      if (flaps > 1) await this.pause(backoff(flaps - 1));
    }
    this.current = 'closed';
  }

  private newClient(): pg.Client {
    return new pg.Client({
      connectionString: this.options.connectionString,
      connectionTimeoutMillis: this.options.connectionTimeoutMs ?? 5_000,
      keepAlive: true,
      application_name: this.options.applicationName ?? 'framecast-work-signal',
    });
  }

  /** Connects and LISTENs; resolves with the failure, or `null` when listening. */
  private async connect(client: pg.Client): Promise<unknown> {
    try {
      await client.connect();
      await client.query(`LISTEN "${this.channel}"`);
      return null;
    } catch (error) {
      return error ?? new Error('connection failed');
    }
  }

  private startHeartbeat(client: pg.Client, lost: Deferred<Error>): NodeJS.Timeout | null {
    const periodMs = this.options.heartbeatMs ?? 30_000;
    if (periodMs === 0) return null;
    let inFlight = false;
    const timer = setInterval(() => {
      if (inFlight) {
        lost.resolve(new Error(`no answer to the heartbeat within ${periodMs} ms`));
        return;
      }
      inFlight = true;
      client.query('SELECT 1').then(
        () => {
          inFlight = false;
        },
        (error: unknown) => lost.resolve(error instanceof Error ? error : new Error(String(error))),
      );
    }, periodMs);
    timer.unref();
    return timer;
  }

  /** Ends a client, giving up after a second (a dead peer may never answer the goodbye). */
  private async end(client: pg.Client): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      client.end().catch(() => undefined),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, 1_000);
      }),
    ]);
    clearTimeout(timer);
  }

  /** Waits `ms`, or less when `close()` is called. */
  private async pause(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.stopping.promise,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, ms);
      }),
    ]);
    clearTimeout(timer);
  }
}
