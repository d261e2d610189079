import { sql } from 'kysely';
import { ResultAsync } from 'neverthrow';
import { toDatabaseUnavailable } from './database-error.js';
const SCOPES = ['jobs', 'admin'];
function rowToKey(row) {
    const scopes = row.scopes;
    if (!Array.isArray(scopes) || scopes.some((s) => typeof s !== 'string' || !SCOPES.includes(s)))
        throw new Error(`api_keys row ${row.id} cannot be read: scopes ${JSON.stringify(scopes)}`);
    return {
        id: row.id,
        ownerId: row.owner_id,
        name: row.name,
        prefix: row.prefix,
        hash: row.hash,
        scopes: scopes,
        createdAt: row.created_at,
        revokedAt: row.revoked_at,
        lastUsedAt: row.last_used_at,
    };
}
/**
 * {@link ApiKeyRepository} over Kysely (PostgreSQL and PGlite), looked up by the unique hash.
 * Inserting a second key with the same hash (or id) is a programmer error and rejects.
 */
export class KyselyApiKeyRepository {
    db;
    constructor(db) {
        this.db = db;
    }
    insert(key) {
        return ResultAsync.fromPromise(this.db
            .insertInto('api_keys')
            .values({
            id: key.id,
            owner_id: key.ownerId,
            name: key.name,
            prefix: key.prefix,
            hash: key.hash,
            scopes: JSON.stringify(key.scopes),
            created_at: key.createdAt,
            revoked_at: key.revokedAt,
            last_used_at: key.lastUsedAt,
        })
            .execute(), toDatabaseUnavailable).map(() => undefined);
    }
    findByHash(hash) {
        return ResultAsync.fromPromise(this.db.selectFrom('api_keys').selectAll().where('hash', '=', hash).executeTakeFirst(), toDatabaseUnavailable).map((row) => (row === undefined ? null : rowToKey(row)));
    }
    count() {
        return ResultAsync.fromPromise(this.db
            .selectFrom('api_keys')
            .select(sql `count(*)::int`.as('count'))
            .executeTakeFirstOrThrow(), toDatabaseUnavailable).map((row) => row.count);
    }
    /** Records a use at `at`; an unknown id is ignored. */
    touch(id, at) {
        return ResultAsync.fromPromise(this.db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute(), toDatabaseUnavailable).map(() => undefined);
    }
}
//# sourceMappingURL=kysely-api-key-repository.js.map