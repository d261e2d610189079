import { sql } from 'kysely';
/*
 * Frozen once released (STYLE 14); never imports `src/`. Plain SQL for PostgreSQL 15 and PGlite.
 *
 * - `audit_log`: append-only record of security-relevant actions, newest first by (at, id).
 * - `jobs_created_idx`: keyset pagination of every owner's jobs (admin listing) by (created_at, id);
 *   per-owner listing already has `jobs_owner_created_idx`.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db) {
    await sql `
    CREATE TABLE audit_log (
      id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at          timestamptz NOT NULL,
      actor_id    text NOT NULL,
      action      text NOT NULL,
      target_type text NOT NULL,
      target_id   text NULL,
      detail      jsonb NOT NULL DEFAULT '{}'::jsonb,
      request_id  text NULL
    )
  `.execute(db);
    await sql `CREATE INDEX audit_log_at_idx ON audit_log (at DESC, id DESC)`.execute(db);
    await sql `CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, at DESC, id DESC)`.execute(db);
    await sql `CREATE INDEX audit_log_target_idx ON audit_log (target_type, target_id)`.execute(db);
    await sql `CREATE INDEX jobs_created_idx ON jobs (created_at DESC, id DESC)`.execute(db);
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db) {
    await sql `DROP INDEX IF EXISTS jobs_created_idx`.execute(db);
    await sql `DROP TABLE IF EXISTS audit_log`.execute(db);
}
//# sourceMappingURL=2026-11-21T0100-audit-log-and-job-listing.js.map