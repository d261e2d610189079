import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { errorSummary, OutageLog } from './outage-log.js';
/** Redis did not answer in time, or the connection is down. `cause` holds node-redis's error. */
export class RedisUnavailableError extends Error {
    name = 'RedisUnavailableError';
    constructor(message, options) {
        super(message, options);
    }
}
const HEALTH_TTL_MS = 5_000;
/** `error` as a {@link RedisUnavailableError} (kept as is when it already is one). */
function unavailable(error) {
    return error instanceof RedisUnavailableError
        ? error
        : new RedisUnavailableError(`redis command failed: ${errorSummary(error).message}`, { cause: error });
}
/** Creates a {@link RedisConnection} (not yet connected: call `connect()`). */
export function createRedisConnection(options) {
    return new NodeRedisConnection(options);
}
class NodeRedisConnection {
    options;
    client;
    name;
    commandTimeoutMs;
    connectTimeoutMs;
    outage;
    logger;
    opened = false;
    closing = null;
    healthKey;
    constructor(options) {
        this.options = options;
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
            commandOptions: { timeout: this.commandTimeoutMs },
            pingInterval,
            socket: {
                connectTimeout: this.connectTimeoutMs,
                ...(socketTimeout === undefined ? {} : { socketTimeout }),
                reconnectStrategy: (retries) => {
                    const delay = Math.min(maxDelay, initialDelay * 2 ** Math.min(retries, 20));
                    return Math.round(delay + Math.random() * delay * 0.1);
                },
            },
        });
        // Without an `error` listener node-redis's EventEmitter crashes the process on the first outage.
        this.client.on('error', (error) => this.outage.failure(error));
        this.client.on('ready', () => this.outage.success());
        // A frozen Redis fails PINGs without a reconnect: the next answered PING ends that outage.
        this.client.on('ping-interval', () => this.outage.success());
    }
    connect() {
        if (this.closing !== null)
            return Promise.reject(new RedisUnavailableError('connection is closed'));
        if (this.client.isReady)
            return Promise.resolve();
        if (!this.opened) {
            this.opened = true;
            // node-redis's connect() retries until Redis answers and never settles while it is down: it
            // is left running (the client becomes ready by itself later) and waited for with a deadline.
            this.client.connect().catch(() => undefined); // rejects only when closed while connecting
        }
        return new Promise((resolve, reject) => {
            const onReady = () => {
                clearTimeout(timer);
                resolve();
            };
            const timer = setTimeout(() => {
                this.client.off('ready', onReady);
                const error = new RedisUnavailableError(`redis did not answer within ${this.connectTimeoutMs} ms; reconnecting in the background`);
                this.outage.failure(error);
                reject(error);
            }, this.connectTimeoutMs);
            this.client.once('ready', onReady);
        });
    }
    isReady() {
        return this.closing === null && this.client.isReady;
    }
    command(send, timeoutMs = this.commandTimeoutMs) {
        let sent;
        try {
            sent = send(this.client);
        }
        catch (error) {
            return Promise.reject(unavailable(error));
        }
        return new Promise((resolve, reject) => {
            const timer = setTimeout(() => reject(new RedisUnavailableError(`redis did not answer within ${timeoutMs} ms`)), timeoutMs);
            sent.then((value) => {
                clearTimeout(timer);
                resolve(value);
            }, (error) => {
                clearTimeout(timer);
                reject(unavailable(error));
            });
        });
    }
    async ping() {
        const started = performance.now();
        try {
            await this.command((client) => client.ping());
        }
        catch (error) {
            throw new RedisUnavailableError(`redis PING failed: ${errorSummary(error).message}`, { cause: error });
        }
        return performance.now() - started;
    }
    async healthCheck() {
        const started = performance.now();
        const latencyMs = () => Math.round((performance.now() - started) * 100) / 100;
        const value = randomBytes(8).toString('hex');
        try {
            await this.command((client) => client.set(this.healthKey, value, { expiration: { type: 'PX', value: HEALTH_TTL_MS } }));
            const read = await this.command((client) => client.get(this.healthKey));
            if (read !== value) {
                return {
                    status: 'down',
                    detail: { name: this.name, latencyMs: latencyMs(), error: 'read back a different value' },
                };
            }
            return { status: 'up', detail: { name: this.name, latencyMs: latencyMs() } };
        }
        catch (error) {
            return {
                status: 'down',
                detail: { name: this.name, latencyMs: latencyMs(), error: errorSummary(error).message },
            };
        }
    }
    duplicate(name) {
        return new NodeRedisConnection({ ...this.options, name });
    }
    close() {
        this.closing ??= this.shutDown();
        return this.closing;
    }
    async shutDown() {
        if (!this.client.isOpen)
            return;
        if (!this.client.isReady) {
            // Reconnecting: nothing to drain, and close() would wait for a socket that never comes.
            this.client.destroy();
            return;
        }
        let timer;
        const late = new Promise((resolve) => {
            timer = setTimeout(() => resolve('late'), this.commandTimeoutMs);
        });
        try {
            const outcome = await Promise.race([this.client.close().then(() => 'closed'), late]);
            if (outcome === 'late' && this.client.isOpen)
                this.client.destroy();
        }
        catch {
            if (this.client.isOpen)
                this.client.destroy();
        }
        finally {
            clearTimeout(timer);
        }
    }
}
//# sourceMappingURL=redis-connection.js.map