import { sql } from 'kysely';
/*
 * Frozen once released (STYLE 14); never imports `src/`. Runs on PostgreSQL 15 and PGlite (18).
 *
 * The webhook outbox: one row per terminal event of a job with a `callbackUrl`, inserted by a
 * query over `jobs` (no use case writes it), so a crash between finishing a job and calling its
 * receiver loses nothing. `id` is the Standard Webhooks `webhook-id`. `payload` is `text`, not
 * `jsonb`, so every retry sends the same bytes.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db) {
    await sql `
    CREATE TABLE webhook_deliveries (
      id               text COLLATE "C" PRIMARY KEY,
      job_id           text COLLATE "C" NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
      owner_id         text NOT NULL,
      url              text NOT NULL,
      event_type       text NOT NULL
                       CHECK (event_type IN ('job.completed', 'job.failed', 'job.cancelled')),
      payload          text NULL,
      status           text NOT NULL DEFAULT 'pending'
                       CHECK (status IN ('pending', 'delivered', 'failed')),
      attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
      next_attempt_at  timestamptz NULL,
      last_status_code integer NULL,
      last_error       text NULL,
      created_at       timestamptz NOT NULL,
      delivered_at     timestamptz NULL,
      CONSTRAINT webhook_deliveries_job_event_key UNIQUE (job_id, event_type)
    )
  `.execute(db);
    // The dispatcher's claim: pending deliveries by due time.
    await sql `
    CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at, id)
    WHERE status = 'pending'
  `.execute(db);
    // The outbox query: recently finished jobs that have a callback URL.
    await sql `
    CREATE INDEX jobs_webhook_outbox_idx ON jobs (updated_at)
    WHERE status IN ('completed', 'failed', 'cancelled') AND (spec ->> 'callbackUrl') IS NOT NULL
  `.execute(db);
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db) {
    await sql `DROP INDEX IF EXISTS jobs_webhook_outbox_idx`.execute(db);
    await sql `DROP TABLE IF EXISTS webhook_deliveries`.execute(db);
}
//# sourceMappingURL=2026-11-21T0400-webhook-deliveries.js.map