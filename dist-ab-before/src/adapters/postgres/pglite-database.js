import { PGlite } from '@electric-sql/pglite';
import { Kysely } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import { lockDataDir } from './data-dir-lock.js';
const isInMemory = (dataDir) => dataDir === undefined || dataDir === '' || dataDir.startsWith('memory://');
/**
 * Opens an embedded PostgreSQL (PGlite, one process, one connection: Kysely queries are
 * serialised) behind Kysely. A file-persisted database is guarded by a lock file in its data
 * directory, so a second process refuses to open it; a lock left by a dead process is taken over.
 * Run {@link migrateToLatest} before use.
 *
 * @throws Error naming the directory when another live process holds it; PGlite start-up errors.
 */
export async function createPgliteDatabase(options = {}) {
    const { dataDir } = options;
    const lock = isInMemory(dataDir) ? null : lockDataDir(dataDir);
    let pglite;
    try {
        pglite = dataDir === undefined || dataDir === '' ? await PGlite.create() : await PGlite.create(dataDir);
    }
    catch (cause) {
        lock?.release();
        throw cause;
    }
    const db = new Kysely({ dialect: new PGliteDialect(pglite) });
    let closing = null;
    return {
        db,
        kind: 'pglite',
        pglite,
        close() {
            // Destroying Kysely closes PGlite (the dialect owns it); then the directory is free again.
            closing ??= db.destroy().finally(() => lock?.release());
            return closing;
        },
    };
}
//# sourceMappingURL=pglite-database.js.map