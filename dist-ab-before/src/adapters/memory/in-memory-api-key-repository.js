import { ok, ResultAsync } from 'neverthrow';
/** Runs `step` on a later microtask; a throw (programmer error) rejects, as a database adapter's would. */
const later = (step) => new ResultAsync(Promise.resolve().then(step));
const copy = (key) => ({
    ...key,
    scopes: [...key.scopes],
    createdAt: new Date(key.createdAt),
    revokedAt: key.revokedAt === null ? null : new Date(key.revokedAt),
    lastUsedAt: key.lastUsedAt === null ? null : new Date(key.lastUsedAt),
});
/** {@link ApiKeyRepository} in memory, held to the same contract as the SQL adapter. */
export class InMemoryApiKeyRepository {
    keys = new Map();
    /** @throws Error (the ResultAsync rejects) when a key with the same id or hash exists. */
    insert(key) {
        return later(() => {
            if (this.keys.has(key.id))
                throw new Error(`duplicate API key id ${key.id}`);
            for (const other of this.keys.values())
                if (other.hash === key.hash)
                    throw new Error(`duplicate API key hash (key ${key.id})`);
            this.keys.set(key.id, copy(key));
            return ok(undefined);
        });
    }
    findByHash(hash) {
        return later(() => {
            for (const key of this.keys.values())
                if (key.hash === hash)
                    return ok(copy(key));
            return ok(null);
        });
    }
    count() {
        return later(() => ok(this.keys.size));
    }
    /** Records a use at `at`; an unknown id is ignored. */
    touch(id, at) {
        return later(() => {
            const key = this.keys.get(id);
            if (key !== undefined)
                this.keys.set(id, { ...key, lastUsedAt: new Date(at) });
            return ok(undefined);
        });
    }
}
//# sourceMappingURL=in-memory-api-key-repository.js.map