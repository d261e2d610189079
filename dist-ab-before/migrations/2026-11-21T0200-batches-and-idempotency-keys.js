import { sql } from 'kysely';
/*
 * Frozen once released (STYLE 14); never imports `src/`. Plain SQL for PostgreSQL 15 and PGlite.
 *
 * - `batches`: several jobs submitted together. The jobs point at their batch through the
 *   existing `jobs.batch_id` (indexed by `jobs_batch_idx`); `job_ids` keeps the request's order.
 *   No foreign key from `jobs.batch_id`: jobs outlive nothing here and may be deleted one by one.
 * - `idempotency_keys`: one row per (owner, route, key), claimed with INSERT ... ON CONFLICT on
 *   the primary key; `response_body` is text so a replay answers the very same bytes.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db) {
    await sql `
    CREATE TABLE batches (
      id         text COLLATE "C" PRIMARY KEY,
      owner_id   text NOT NULL,
      name       text NULL,
      job_ids    jsonb NOT NULL,
      created_at timestamptz NOT NULL
    )
  `.execute(db);
    await sql `CREATE INDEX batches_owner_created_idx ON batches (owner_id, created_at DESC, id DESC)`.execute(db);
    await sql `
    CREATE TABLE idempotency_keys (
      owner_id         text COLLATE "C" NOT NULL,
      route            text COLLATE "C" NOT NULL,
      key              text COLLATE "C" NOT NULL,
      fingerprint      text NOT NULL,
      state            text NOT NULL CHECK (state IN ('in_progress', 'completed')),
      token            text NOT NULL,
      locked_at        timestamptz NOT NULL,
      response_status  integer NULL,
      response_headers jsonb NULL,
      response_body    text NULL,
      created_at       timestamptz NOT NULL,
      expires_at       timestamptz NOT NULL,
      CONSTRAINT idempotency_keys_pkey PRIMARY KEY (owner_id, route, key),
      CONSTRAINT idempotency_keys_response_complete
        CHECK ((state = 'completed') = (response_status IS NOT NULL AND response_body IS NOT NULL))
    )
  `.execute(db);
    await sql `CREATE INDEX idempotency_keys_expires_idx ON idempotency_keys (expires_at)`.execute(db);
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db) {
    await sql `DROP TABLE IF EXISTS idempotency_keys`.execute(db);
    await sql `DROP TABLE IF EXISTS batches`.execute(db);
}
//# sourceMappingURL=2026-11-21T0200-batches-and-idempotency-keys.js.map