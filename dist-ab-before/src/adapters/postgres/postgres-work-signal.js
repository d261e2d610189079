import pg from 'pg';
import { describePostgres } from './connect-with-retry.js';
const DEFAULT_CHANNEL = 'framecast_jobs';
const STOP = Symbol('stop');
const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;
function deferred() {
    let resolve;
    const promise = new Promise((r) => {
        resolve = r;
    });
    return { promise, resolve };
}
const messageOf = (error) => error instanceof AggregateError && error.errors.length > 0
    ? error.errors.map(messageOf).join('; ')
    : error instanceof Error
        ? error.message || error.name
        : String(error);
const silentLogger = {
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
export class PostgresWorkSignal {
    options;
    listeners = new Set();
    channel;
    logger;
    target;
    stopping = deferred();
    supervisor = null;
    /** Settles when the connect attempt under way ends (either way); `null` between attempts. */
    attempt = null;
    current = 'idle';
    closing = null;
    /** @throws Error for an invalid channel name or negative delays. */
    constructor(options) {
        this.options = options;
        this.channel = options.channel ?? DEFAULT_CHANNEL;
        if (!CHANNEL.test(this.channel))
            throw new Error(`channel must be a lowercase identifier (a-z, 0-9, _; at most 63), got "${this.channel}"`);
        for (const name of [
            'reconnectBaseDelayMs',
            'reconnectMaxDelayMs',
            'connectionTimeoutMs',
            'heartbeatMs',
        ]) {
            const value = options[name];
            if (value !== undefined && !(value >= 0 && Number.isFinite(value)))
                throw new Error(`${name} must be a non-negative number, got ${value}`);
        }
        this.logger = options.logger ?? silentLogger;
        this.target = describePostgres(options.connectionString);
    }
    /** The listening connection's state (for health checks and tests). */
    get state() {
        return this.current;
    }
    /** Number of subscribed listeners. */
    get listenerCount() {
        return this.listeners.size;
    }
    /**
     * Sends one signal to every subscriber of the channel, in every process.
     * @throws the pool's error when the database does not answer (callers treat it as best effort).
     */
    async notify() {
        await this.options.pool.query('SELECT pg_notify($1, $2)', [this.channel, '']);
    }
    /**
     * Registers `listener`. The first subscribe opens the listening connection and waits for that
     * first attempt (so a signal sent once this resolves is delivered); when the attempt fails it
     * resolves anyway and keeps reconnecting in the background.
     * @throws Error after `close()`.
     */
    async subscribe(listener) {
        if (this.closing !== null)
            throw new Error('PostgresWorkSignal is closed');
        const own = () => listener();
        this.listeners.add(own);
        this.supervisor ??= this.supervise();
        await this.attempt;
        return async () => {
            this.listeners.delete(own);
        };
    }
    /** Ends the listening connection and forgets every listener. Idempotent; does not end `pool`. */
    close() {
        this.closing ??= (async () => {
            this.stopping.resolve(STOP);
            await this.supervisor;
            this.listeners.clear();
            this.current = 'closed';
        })();
        return this.closing;
    }
    wake() {
        for (const listener of [...this.listeners]) {
            try {
                const returned = listener();
                if (returned instanceof Promise)
                    returned.catch((error) => this.logger.warn({ err: error, channel: this.channel }, 'work signal listener failed'));
            }
            catch (error) {
                this.logger.warn({ err: error, channel: this.channel }, 'work signal listener failed');
            }
        }
    }
    /** Keeps one listening connection open until `close()`: connect, LISTEN, wait for loss, repeat. */
    async supervise() {
        const baseDelayMs = this.options.reconnectBaseDelayMs ?? 100;
        const maxDelayMs = Math.max(this.options.reconnectMaxDelayMs ?? 5_000, baseDelayMs);
        let failures = 0;
        /** When the current outage began (`null` while connected or before the first connection). */
        let outageSince = null;
        let everConnected = false;
        /** Consecutive connections lost within a second of opening (a server that keeps dropping them). */
        let flaps = 0;
        const backoff = (n) => Math.min(maxDelayMs, baseDelayMs * 2 ** (n - 1)) * (0.8 + 0.2 * Math.random());
        while (this.closing === null) {
            this.current = everConnected ? 'reconnecting' : 'connecting';
            const client = this.newClient();
            const lost = deferred();
            client.on('error', (error) => lost.resolve(error));
            client.on('end', () => lost.resolve(new Error('connection ended')));
            client.on('notification', (message) => {
                if (message.channel === this.channel)
                    this.wake();
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
                    this.logger.warn({ target: this.target, channel: this.channel, err: messageOf(failure) }, everConnected
                        ? 'work signal: cannot reconnect the LISTEN connection; retrying with backoff'
                        : 'work signal: cannot open the LISTEN connection; retrying with backoff');
                }
                else {
                    this.logger.debug({ target: this.target, attempt: failures, err: messageOf(failure) }, 'work signal: reconnect attempt failed');
                }
                await this.pause(backoff(failures));
                continue;
            }
            this.current = 'listening';
            if (outageSince !== null) {
                this.logger.info({
                    target: this.target,
                    channel: this.channel,
                    outageMs: Date.now() - outageSince,
                    attempts: failures,
                }, 'work signal: LISTEN connection restored');
                // Signals sent while disconnected were lost: let every listener look for work once.
                if (everConnected)
                    this.wake();
            }
            everConnected = true;
            failures = 0;
            const connectedAt = Date.now();
            const heartbeat = this.startHeartbeat(client, lost);
            const reason = await Promise.race([lost.promise, this.stopping.promise]);
            if (heartbeat !== null)
                clearInterval(heartbeat);
            if (reason === STOP) {
                await this.end(client);
                break;
            }
            void client.end().catch(() => undefined);
            outageSince = Date.now();
            this.logger.warn({ target: this.target, channel: this.channel, err: messageOf(reason) }, 'work signal: LISTEN connection lost; reconnecting');
            // Reconnect at once: most drops (a terminated backend, a failover) are over immediately;
            // but back off when connections keep dropping right after they open.
            flaps = Date.now() - connectedAt < 1_000 ? flaps + 1 : 0;
            if (flaps > 1)
                await this.pause(backoff(flaps - 1));
        }
        this.current = 'closed';
    }
    newClient() {
        return new pg.Client({
            connectionString: this.options.connectionString,
            connectionTimeoutMillis: this.options.connectionTimeoutMs ?? 5_000,
            keepAlive: true,
            application_name: this.options.applicationName ?? 'framecast-work-signal',
        });
    }
    /** Connects and LISTENs; resolves with the failure, or `null` when listening. */
    async connect(client) {
        try {
            await client.connect();
            await client.query(`LISTEN "${this.channel}"`);
            return null;
        }
        catch (error) {
            return error ?? new Error('connection failed');
        }
    }
    startHeartbeat(client, lost) {
        const periodMs = this.options.heartbeatMs ?? 30_000;
        if (periodMs === 0)
            return null;
        let inFlight = false;
        const timer = setInterval(() => {
            if (inFlight) {
                lost.resolve(new Error(`no answer to the heartbeat within ${periodMs} ms`));
                return;
            }
            inFlight = true;
            client.query('SELECT 1').then(() => {
                inFlight = false;
            }, (error) => lost.resolve(error instanceof Error ? error : new Error(String(error))));
        }, periodMs);
        timer.unref();
        return timer;
    }
    /** Ends a client, giving up after a second (a dead peer may never answer the goodbye). */
    async end(client) {
        let timer;
        await Promise.race([
            client.end().catch(() => undefined),
            new Promise((resolve) => {
                timer = setTimeout(resolve, 1_000);
            }),
        ]);
        clearTimeout(timer);
    }
    /** Waits `ms`, or less when `close()` is called. */
    async pause(ms) {
        let timer;
        await Promise.race([
            this.stopping.promise,
            new Promise((resolve) => {
                timer = setTimeout(resolve, ms);
            }),
        ]);
        clearTimeout(timer);
    }
}
//# sourceMappingURL=postgres-work-signal.js.map