import { Migrator, sql, type Kysely, type MigrationProvider } from 'kysely';
import { migrations } from '../../../migrations/index.js';

/** Kysely's default bookkeeping table (`Migrator` is not given another name). */
const MIGRATION_TABLE = 'kysely_migration';

const provider: MigrationProvider = {
  getMigrations: () => Promise.resolve(migrations),
};

/**
 * Whether exactly the known migrations are recorded as executed in `schema` (one query). The usual
 * case at start-up: it spares `Migrator`'s table, lock-table and lock-row checks, about ten catalog
 * queries (~165–500 ms of CPU on PGlite; bench/startup.ts). Anything else (no bookkeeping table
 * yet, a migration missing, an unknown one recorded) answers `false`, and `Migrator` decides.
 */
async function isUpToDate<DB>(db: Kysely<DB>, schema: string): Promise<boolean> {
  const known = Object.keys(migrations).sort();
  try {
    const table = sql.id(schema, MIGRATION_TABLE);
    const { rows } = await sql<{ name: string }>`select name from ${table}`.execute(db);
    const recorded = rows.map((row) => row.name).sort();
    return recorded.length === known.length && recorded.every((name, i) => name === known[i]);
  } catch {
    return false; // no bookkeeping table yet (a new database)
  }
}

/**
 * Brings the schema up to the latest migration (migrations/index.ts) with Kysely's `Migrator`,
 * under its lock, so concurrent starts are safe. Idempotent: a migrated database runs nothing.
 * Migrations and Kysely's bookkeeping tables go to the first schema of the `search_path`.
 *
 * @returns the names of the migrations that ran now, in order (empty when already up to date).
 * @throws Error `migration <name> failed: <reason>` (the cause attached); earlier migrations of
 *   the same run stay applied.
 */
export async function migrateToLatest<DB>(db: Kysely<DB>): Promise<{ executed: string[] }> {
  // Name the schema explicitly: without it Kysely looks for its bookkeeping tables in every
  // schema, and a database with several schemas (tests: one per subject) may skip creating them.
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema ?? undefined;
  if (schema !== undefined && (await isUpToDate(db, schema))) return { executed: [] };
  const migrator = new Migrator({ db, provider, ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((r) => r.status === 'Error');
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      failed ? `migration ${failed.migrationName} failed: ${reason}` : `migrations failed: ${reason}`,
      { cause: error },
    );
  }
  return { executed: results.filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
