import { sql } from 'kysely';
/*
 * Frozen: this migration never changes once released; later changes are new migrations.
 * It never imports `src/` (STYLE 14). Plain SQL that runs on PostgreSQL 15 and on PGlite
 * (PostgreSQL 18): no 16+ features.
 *
 * Identifiers are `text COLLATE "C"` so that ordering by id (the last claim tie-breaker and the
 * event cursor) is byte order, the same as JavaScript's string comparison in the in-memory adapters.
 */
// The migrator's `db` is untyped by design: migrations must not depend on today's table types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db) {
    await sql `
    CREATE TABLE jobs (
      id                  text COLLATE "C" PRIMARY KEY,
      owner_id            text NOT NULL,
      batch_id            text NULL,
      spec                jsonb NOT NULL,
      status              text NOT NULL
                          CHECK (status IN ('queued', 'processing', 'completed', 'failed', 'cancelled')),
      priority            integer NOT NULL DEFAULT 0,
      attempts            integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
      max_attempts        integer NOT NULL CHECK (max_attempts >= 1),
      run_at              timestamptz NOT NULL,
      lease_owner         text NULL,
      lease_expires_at    timestamptz NULL,
      progress_stage      text NOT NULL DEFAULT 'queued',
      progress_percent    integer NOT NULL DEFAULT 0 CHECK (progress_percent BETWEEN 0 AND 100),
      cancel_requested_at timestamptz NULL,
      error               jsonb NULL,
      result              jsonb NULL,
      created_at          timestamptz NOT NULL,
      started_at          timestamptz NULL,
      finished_at         timestamptz NULL,
      updated_at          timestamptz NOT NULL,
      version             integer NOT NULL DEFAULT 1,
      CONSTRAINT jobs_lease_complete CHECK ((lease_owner IS NULL) = (lease_expires_at IS NULL))
    )
  `.execute(db);
    // The claim: runnable queued jobs in claim order.
    await sql `
    CREATE INDEX jobs_claim_idx ON jobs (priority DESC, run_at, created_at, id)
    WHERE status = 'queued'
  `.execute(db);
    // The lease sweep: processing jobs by lease expiry.
    await sql `
    CREATE INDEX jobs_lease_sweep_idx ON jobs (lease_expires_at)
    WHERE status = 'processing'
  `.execute(db);
    // Per-owner listing, newest first.
    await sql `CREATE INDEX jobs_owner_created_idx ON jobs (owner_id, created_at DESC, id DESC)`.execute(db);
    await sql `CREATE INDEX jobs_batch_idx ON jobs (batch_id) WHERE batch_id IS NOT NULL`.execute(db);
    await sql `
    CREATE TABLE job_events (
      id      text COLLATE "C" PRIMARY KEY,
      job_id  text COLLATE "C" NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
      at      timestamptz NOT NULL,
      level   text NOT NULL CHECK (level IN ('debug', 'info', 'warn', 'error')),
      stage   text NOT NULL,
      message text NOT NULL,
      data    jsonb NOT NULL DEFAULT '{}'::jsonb
    )
  `.execute(db);
    await sql `CREATE INDEX job_events_job_at_idx ON job_events (job_id, at, id)`.execute(db);
    await sql `
    CREATE TABLE users (
      id          text PRIMARY KEY,
      email       text NULL,
      role        text NOT NULL CHECK (role IN ('user', 'admin')),
      preferences jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_at  timestamptz NOT NULL,
      updated_at  timestamptz NOT NULL
    )
  `.execute(db);
    await sql `
    CREATE TABLE api_keys (
      id           text PRIMARY KEY,
      owner_id     text NOT NULL,
      name         text NOT NULL,
      prefix       text NOT NULL,
      hash         text NOT NULL,
      scopes       jsonb NOT NULL DEFAULT '[]'::jsonb,
      created_at   timestamptz NOT NULL,
      revoked_at   timestamptz NULL,
      last_used_at timestamptz NULL,
      CONSTRAINT api_keys_hash_key UNIQUE (hash)
    )
  `.execute(db);
    await sql `CREATE INDEX api_keys_owner_idx ON api_keys (owner_id)`.execute(db);
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db) {
    await sql `DROP TABLE IF EXISTS api_keys`.execute(db);
    await sql `DROP TABLE IF EXISTS users`.execute(db);
    await sql `DROP TABLE IF EXISTS job_events`.execute(db);
    await sql `DROP TABLE IF EXISTS jobs`.execute(db);
}
//# sourceMappingURL=2026-11-21T0000-initial.js.map