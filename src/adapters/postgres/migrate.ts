import { Migrator, sql, type Kysely, type MigrationProvider } from 'kysely';
import { migrations } from '../../../migrations/index.js';

const provider: MigrationProvider = {
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
export async function migrateToLatest<DB>(db: Kysely<DB>): Promise<{ executed: string[] }> {
  // Name the schema explicitly: without it Kysely looks for its bookkeeping tables in every
  // schema, and a database with several schemas (tests: one per subject) may skip creating them.
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema ?? undefined;
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
