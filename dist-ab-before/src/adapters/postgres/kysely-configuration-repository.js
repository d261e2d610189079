import { sql } from 'kysely';
import { err, errAsync, ok, okAsync, ResultAsync } from 'neverthrow';
import { validateSpecDefaults } from '../../domain/configuration.js';
import { CONFIGURATION_LIST_MAX_LIMIT, } from '../../ports/configuration-repository.js';
import { invalidCursor } from '../../ports/errors.js';
import { decodeKeysetCursor, encodeKeysetCursor } from '../cursor/keyset-cursor.js';
import { toDatabaseUnavailable } from './database-error.js';
const NAME_CONSTRAINT = 'configurations_owner_name_key';
/** Row -> Configuration; the defaults are validated again with the VideoSpec rules. */
function rowToConfiguration(row) {
    const defaults = validateSpecDefaults(row.defaults);
    if (defaults.isErr())
        throw new Error(`configurations row ${row.id} cannot be read: ${defaults.error.map((i) => `${i.path} ${i.message}`).join('; ')}`);
    return {
        id: row.id,
        ownerId: row.owner_id,
        name: row.name,
        description: row.description,
        defaults: defaults.value,
        createdAt: row.created_at,
        updatedAt: row.updated_at,
    };
}
/** Whether `cause` is the unique violation of (owner_id, name). */
function isNameConflict(cause) {
    const e = cause;
    return (e?.code === '23505' &&
        (e.constraint === NAME_CONSTRAINT ||
            (typeof e.message === 'string' && e.message.includes(NAME_CONSTRAINT))));
}
/** Runs a write; the (owner, name) unique violation becomes `ConfigurationNameTaken`. */
function write(name, run) {
    return new ResultAsync(run().then((value) => ok(value), (cause) => isNameConflict(cause)
        ? err({ type: 'ConfigurationNameTaken', name })
        : err(toDatabaseUnavailable(cause))));
}
/** {@link ConfigurationRepository} over Kysely (PostgreSQL and PGlite); names unique by constraint. */
export class KyselyConfigurationRepository {
    db;
    constructor(db) {
        this.db = db;
    }
    insert(c) {
        return write(c.name, () => this.db
            .insertInto('configurations')
            .values({
            id: c.id,
            owner_id: c.ownerId,
            name: c.name,
            description: c.description,
            defaults: JSON.stringify(c.defaults),
            created_at: c.createdAt,
            updated_at: c.updatedAt,
        })
            .returningAll()
            .executeTakeFirstOrThrow()).map(rowToConfiguration);
    }
    findById(configurationId) {
        return ResultAsync.fromPromise(this.db.selectFrom('configurations').selectAll().where('id', '=', configurationId).executeTakeFirst(), toDatabaseUnavailable).andThen((row) => row === undefined
            ? errAsync({ type: 'ConfigurationNotFound', configurationId })
            : okAsync(rowToConfiguration(row)));
    }
    list(query) {
        const after = query.cursor === undefined ? null : decodeKeysetCursor(query.cursor, 'desc');
        if (query.cursor !== undefined && after === null)
            return errAsync(invalidCursor(query.cursor));
        const limit = Math.min(CONFIGURATION_LIST_MAX_LIMIT, Math.max(1, Math.floor(query.limit) || 1));
        let select = this.db.selectFrom('configurations').selectAll().where('owner_id', '=', query.ownerId);
        if (after !== null)
            select = select.where(sql `(created_at, id) < (${after.at}::timestamptz, ${after.id})`);
        return ResultAsync.fromPromise(select
            .orderBy('created_at', 'desc')
            .orderBy('id', 'desc')
            .limit(limit + 1)
            .execute(), toDatabaseUnavailable).map((rows) => {
            const items = rows.slice(0, limit).map(rowToConfiguration);
            const last = items[items.length - 1];
            return {
                items,
                nextCursor: rows.length > limit && last !== undefined
                    ? encodeKeysetCursor({ sort: 'desc', at: last.createdAt, id: last.id })
                    : null,
            };
        });
    }
    update(c) {
        return write(c.name, () => this.db
            .updateTable('configurations')
            .set({
            name: c.name,
            description: c.description,
            defaults: JSON.stringify(c.defaults),
            updated_at: c.updatedAt,
        })
            .where('id', '=', c.id)
            .returningAll()
            .executeTakeFirst()).andThen((row) => row === undefined
            ? errAsync({ type: 'ConfigurationNotFound', configurationId: c.id })
            : okAsync(rowToConfiguration(row)));
    }
    delete(configurationId) {
        return ResultAsync.fromPromise(this.db
            .deleteFrom('configurations')
            .where('id', '=', configurationId)
            .returning('id')
            .executeTakeFirst(), toDatabaseUnavailable).andThen((row) => row === undefined
            ? errAsync({ type: 'ConfigurationNotFound', configurationId })
            : okAsync(undefined));
    }
}
//# sourceMappingURL=kysely-configuration-repository.js.map