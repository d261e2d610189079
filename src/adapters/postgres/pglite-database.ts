import { PGlite } from '@electric-sql/pglite';
import { Kysely } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import { lockDataDir, type DataDirLock } from './data-dir-lock.js';
import type { Database, DatabaseHandle } from './database.js';

/** An open embedded database; `pglite` is exposed for `pglite.listen()` (LISTEN/NOTIFY in-process). */
export interface PgliteDatabaseHandle extends DatabaseHandle {
  readonly kind: 'pglite';
  readonly pglite: PGlite;
}

export interface PgliteDatabaseOptions {
  /**
   * Directory the database persists to (created when missing; a new one takes 4–8 s to
   * initialise, reopening about 1 s). `undefined` or a `memory://...` URL: in memory, lost at close.
   */
  readonly dataDir?: string | undefined;
}

const isInMemory = (dataDir: string | undefined): boolean =>
  dataDir === undefined || dataDir === '' || dataDir.startsWith('memory://');

/**
 * Opens an embedded PostgreSQL (PGlite, one process, one connection: Kysely queries are
 * serialised) behind Kysely. A file-persisted database is guarded by a lock file in its data
 * directory, so a second process refuses to open it; a lock left by a dead process is taken over.
 * Run {@link migrateToLatest} before use.
 *
 * @throws Error naming the directory when another live process holds it; PGlite start-up errors.
 */
export async function createPgliteDatabase(
  options: PgliteDatabaseOptions = {},
): Promise<PgliteDatabaseHandle> {
  const { dataDir } = options;
  const lock: DataDirLock | null = isInMemory(dataDir) ? null : lockDataDir(dataDir as string);
  let pglite: PGlite;
  try {
    pglite = dataDir === undefined || dataDir === '' ? await PGlite.create() : await PGlite.create(dataDir);
  } catch (cause) {
    lock?.release();
    throw cause;
  }
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  let closing: Promise<void> | null = null;
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
