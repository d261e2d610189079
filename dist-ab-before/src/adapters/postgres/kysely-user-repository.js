import { ResultAsync } from 'neverthrow';
import { toDatabaseUnavailable } from './database-error.js';
function rowToUser(row) {
    const preferences = row.preferences;
    if (row.role !== 'user' && row.role !== 'admin')
        throw new Error(`users row ${row.id} cannot be read: role ${row.role}`);
    if (typeof preferences !== 'object' || preferences === null || Array.isArray(preferences))
        throw new Error(`users row ${row.id} cannot be read: preferences is not an object`);
    return {
        id: row.id,
        email: row.email,
        role: row.role,
        preferences: preferences,
        createdAt: row.created_at,
        updatedAt: row.updated_at,
    };
}
/** {@link UserRepository} over Kysely (PostgreSQL and PGlite); upsert is one statement. */
export class KyselyUserRepository {
    db;
    constructor(db) {
        this.db = db;
    }
    upsert(user) {
        return ResultAsync.fromPromise(this.db
            .insertInto('users')
            .values({
            id: user.id,
            email: user.email,
            role: user.role,
            preferences: '{}',
            created_at: user.now,
            updated_at: user.now,
        })
            .onConflict((oc) => oc.column('id').doUpdateSet((eb) => ({
            email: eb.ref('excluded.email'),
            role: eb.ref('excluded.role'),
            updated_at: eb.ref('excluded.updated_at'),
        })))
            .returningAll()
            .executeTakeFirstOrThrow(), toDatabaseUnavailable).map(rowToUser);
    }
    findById(id) {
        return ResultAsync.fromPromise(this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst(), toDatabaseUnavailable).map((row) => (row === undefined ? null : rowToUser(row)));
    }
    updatePreferences(id, preferences, now) {
        return ResultAsync.fromPromise(this.db
            .updateTable('users')
            .set({ preferences: JSON.stringify(preferences), updated_at: now })
            .where('id', '=', id)
            .returningAll()
            .executeTakeFirst(), toDatabaseUnavailable).map((row) => (row === undefined ? null : rowToUser(row)));
    }
}
//# sourceMappingURL=kysely-user-repository.js.map