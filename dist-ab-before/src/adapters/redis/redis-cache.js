import { OutageLog } from './outage-log.js';
/**
 * `Cache` in Redis, shared by every API instance: `SET key value PX ttlMs`, `GET`, `DEL`.
 *
 * - `ttlMs` is rounded up to whole milliseconds; a `ttlMs` that is not a positive finite number
 *   stores nothing and deletes the key (as `InMemoryCache` does).
 * - Never rejects. While Redis is down (or slower than the connection's command timeout, 250 ms by
 *   default) `get` is a miss and `set`/`delete` do nothing; a disconnected client answers at once.
 *   The outage is logged once, the recovery once.
 * - A failed `delete` leaves a stale entry until its TTL: keep TTLs short for data that changes.
 */
export class RedisCache {
    connection;
    keyPrefix;
    outage;
    constructor(options) {
        this.connection = options.connection;
        this.keyPrefix = options.keyPrefix ?? 'framecast:cache:';
        this.outage = new OutageLog(options.logger.child({ component: 'redis-cache' }), 'redis cache');
    }
    async get(key) {
        try {
            const value = await this.connection.command((client) => client.get(this.keyPrefix + key));
            this.outage.success();
            return typeof value === 'string' ? value : null;
        }
        catch (error) {
            this.outage.failure(error, { op: 'get' });
            return null;
        }
    }
    async set(key, value, ttlMs) {
        if (!(ttlMs > 0) || !Number.isFinite(ttlMs))
            return this.delete(key);
        try {
            await this.connection.command((client) => client.set(this.keyPrefix + key, value, { expiration: { type: 'PX', value: Math.ceil(ttlMs) } }));
            this.outage.success();
        }
        catch (error) {
            this.outage.failure(error, { op: 'set' });
        }
    }
    async delete(key) {
        try {
            await this.connection.command((client) => client.del(this.keyPrefix + key));
            this.outage.success();
        }
        catch (error) {
            this.outage.failure(error, { op: 'delete' });
        }
    }
}
//# sourceMappingURL=redis-cache.js.map