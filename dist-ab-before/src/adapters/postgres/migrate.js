import { Migrator } from 'kysely';
import { migrations } from '../../../migrations/index.js';
const provider = {
    getMigrations: () => Promise.resolve(migrations),
};
/**
 * Brings the schema up to the latest migration (migrations/index.ts) with Kysely's `Migrator`,
 * under its lock, so concurrent starts are safe. Idempotent: a migrated database runs nothing.
 * Migrations and Kysely's bookkeeping tables go to the first schema of the `search_path`.
 *
 * @returns the names of the migrations that ran now, in order (empty when already up to date).
 * @throws Error `migration <name> failed: <reason>` (the cause attached); earlier migrations of
 *   the same run stay applied.
 */
export async function migrateToLatest(db) {
    const migrator = new Migrator({ db, provider });
    const { error, results = [] } = await migrator.migrateToLatest();
    if (error !== undefined) {
        const failed = results.find((r) => r.status === 'Error');
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(failed ? `migration ${failed.migrationName} failed: ${reason}` : `migrations failed: ${reason}`, { cause: error });
    }
    return { executed: results.filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
//# sourceMappingURL=migrate.js.map