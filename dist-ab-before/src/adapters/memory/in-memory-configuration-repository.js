import { err, ok, ResultAsync } from 'neverthrow';
import { CONFIGURATION_LIST_MAX_LIMIT, } from '../../ports/configuration-repository.js';
import { invalidCursor } from '../../ports/errors.js';
import { decodeKeysetCursor, encodeKeysetCursor } from '../cursor/keyset-cursor.js';
/** Runs `step` on a later microtask; a throw (programmer error) rejects, as a database adapter's would. */
const later = (step) => new ResultAsync(Promise.resolve().then(step));
const copy = (c) => ({
    ...c,
    defaults: structuredClone(c.defaults),
    createdAt: new Date(c.createdAt),
    updatedAt: new Date(c.updatedAt),
});
const newestFirst = (a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
/** {@link ConfigurationRepository} in memory, held to the same contract as the SQL adapter. */
export class InMemoryConfigurationRepository {
    configurations = new Map();
    /** @throws Error (the ResultAsync rejects) when a configuration with this id exists. */
    insert(configuration) {
        return later(() => {
            if (this.configurations.has(configuration.id))
                throw new Error(`duplicate configuration id ${configuration.id}`);
            if (this.nameTaken(configuration))
                return err({ type: 'ConfigurationNameTaken', name: configuration.name });
            this.configurations.set(configuration.id, copy(configuration));
            return ok(copy(configuration));
        });
    }
    findById(configurationId) {
        return later(() => {
            const c = this.configurations.get(configurationId);
            return c === undefined ? err({ type: 'ConfigurationNotFound', configurationId }) : ok(copy(c));
        });
    }
    list(query) {
        return later(() => {
            const after = query.cursor === undefined ? null : decodeKeysetCursor(query.cursor, 'desc');
            if (query.cursor !== undefined && after === null)
                return err(invalidCursor(query.cursor));
            const limit = Math.min(CONFIGURATION_LIST_MAX_LIMIT, Math.max(1, Math.floor(query.limit) || 1));
            const rest = [...this.configurations.values()]
                .filter((c) => c.ownerId === query.ownerId &&
                (after === null ||
                    c.createdAt.getTime() < after.at.getTime() ||
                    (c.createdAt.getTime() === after.at.getTime() && c.id < after.id)))
                .sort(newestFirst);
            const items = rest.slice(0, limit).map(copy);
            const last = items[items.length - 1];
            return ok({
                items,
                nextCursor: rest.length > limit && last !== undefined
                    ? encodeKeysetCursor({ sort: 'desc', at: last.createdAt, id: last.id })
                    : null,
            });
        });
    }
    update(configuration) {
        return later(() => {
            const stored = this.configurations.get(configuration.id);
            if (stored === undefined)
                return err({ type: 'ConfigurationNotFound', configurationId: configuration.id });
            const next = {
                ...stored,
                name: configuration.name,
                description: configuration.description,
                defaults: configuration.defaults,
                updatedAt: configuration.updatedAt,
            };
            if (this.nameTaken(next))
                return err({ type: 'ConfigurationNameTaken', name: next.name });
            this.configurations.set(next.id, copy(next));
            return ok(copy(next));
        });
    }
    delete(configurationId) {
        return later(() => this.configurations.delete(configurationId)
            ? ok(undefined)
            : err({ type: 'ConfigurationNotFound', configurationId }));
    }
    nameTaken(c) {
        for (const other of this.configurations.values())
            if (other.id !== c.id && other.ownerId === c.ownerId && other.name === c.name)
                return true;
        return false;
    }
}
//# sourceMappingURL=in-memory-configuration-repository.js.map