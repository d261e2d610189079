import { sql } from 'kysely';
/*
 * Frozen: uploads (files whose media type came from their magic bytes) and configurations (named
 * spec defaults, unique per owner). Plain SQL for PostgreSQL 15 and PGlite (PostgreSQL 18); it
 * never imports `src/` (STYLE 14). Ids are `COLLATE "C"` so that the (created_at, id) page order
 * is byte order, like the in-memory adapters.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db) {
    await sql `
    CREATE TABLE uploads (
      id          text COLLATE "C" PRIMARY KEY,
      owner_id    text NOT NULL,
      storage_key text NOT NULL,
      file_name   text NOT NULL,
      media_type  text NOT NULL,
      kind        text NOT NULL CHECK (kind IN ('image', 'audio', 'document')),
      size_bytes  bigint NOT NULL CHECK (size_bytes >= 0),
      sha256      text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
      purpose     text NULL CHECK (purpose IN ('logo', 'background', 'music', 'document')),
      version_id  text NULL,
      created_at  timestamptz NOT NULL
    )
  `.execute(db);
    await sql `CREATE INDEX uploads_owner_created_idx ON uploads (owner_id, created_at DESC, id DESC)`.execute(db);
    await sql `
    CREATE TABLE configurations (
      id          text COLLATE "C" PRIMARY KEY,
      owner_id    text NOT NULL,
      name        text NOT NULL,
      description text NULL,
      defaults    jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_at  timestamptz NOT NULL,
      updated_at  timestamptz NOT NULL,
      CONSTRAINT configurations_owner_name_key UNIQUE (owner_id, name)
    )
  `.execute(db);
    await sql `
    CREATE INDEX configurations_owner_created_idx ON configurations (owner_id, created_at DESC, id DESC)
  `.execute(db);
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db) {
    await sql `DROP TABLE IF EXISTS configurations`.execute(db);
    await sql `DROP TABLE IF EXISTS uploads`.execute(db);
}
//# sourceMappingURL=2026-11-21T0300-uploads-and-configurations.js.map