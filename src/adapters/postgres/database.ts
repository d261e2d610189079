import type { ColumnType, Kysely } from 'kysely';

/*
 * Kysely table types of the Framecast schema (migrations/). Row types never leave
 * src/adapters/postgres/: the repositories map rows to domain objects field by field.
 */

/** A `timestamptz` column: read as `Date`, written as `Date`. */
type Timestamp = ColumnType<Date, Date, Date>;
/** A nullable `timestamptz` column. */
type NullableTimestamp = ColumnType<Date | null, Date | null, Date | null>;
/**
 * A `jsonb` column: read as parsed JSON (`unknown` until the mapper checks it), written as a JSON
 * string (pg turns raw JS arrays into PostgreSQL arrays, so every jsonb value is stringified).
 */
type Json = ColumnType<unknown, string, string>;
type NullableJson = ColumnType<unknown, string | null, string | null>;

export interface JobsTable {
  id: string;
  owner_id: string;
  batch_id: string | null;
  spec: Json;
  status: string;
  priority: number;
  attempts: number;
  max_attempts: number;
  run_at: Timestamp;
  lease_owner: string | null;
  lease_expires_at: NullableTimestamp;
  progress_stage: string;
  progress_percent: number;
  cancel_requested_at: NullableTimestamp;
  error: NullableJson;
  result: NullableJson;
  created_at: Timestamp;
  started_at: NullableTimestamp;
  finished_at: NullableTimestamp;
  updated_at: Timestamp;
  version: number;
}

export interface JobEventsTable {
  id: string;
  job_id: string;
  at: Timestamp;
  level: string;
  stage: string;
  message: string;
  data: Json;
}

export interface UsersTable {
  id: string;
  email: string | null;
  role: string;
  preferences: Json;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ApiKeysTable {
  id: string;
  owner_id: string;
  name: string;
  prefix: string;
  hash: string;
  scopes: Json;
  created_at: Timestamp;
  revoked_at: NullableTimestamp;
  last_used_at: NullableTimestamp;
}

export interface UploadsTable {
  id: string;
  owner_id: string;
  storage_key: string;
  file_name: string;
  media_type: string;
  kind: string;
  /** `bigint`, read as a number (both engines: see postgres-database.ts). */
  size_bytes: number;
  sha256: string;
  purpose: string | null;
  version_id: string | null;
  created_at: Timestamp;
}

export interface ConfigurationsTable {
  id: string;
  owner_id: string;
  name: string;
  description: string | null;
  defaults: Json;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AuditLogTable {
  /** `bigint GENERATED ALWAYS AS IDENTITY`, read as a number (both engines). */
  id: ColumnType<number, never, never>;
  at: Timestamp;
  actor_id: string;
  action: string;
  target_type: string;
  target_id: string | null;
  detail: Json;
  request_id: string | null;
}

export interface BatchesTable {
  id: string;
  owner_id: string;
  name: string | null;
  /** JSON array of job ids, in request order. */
  job_ids: Json;
  created_at: Timestamp;
}

export interface IdempotencyKeysTable {
  owner_id: string;
  route: string;
  key: string;
  fingerprint: string;
  state: string;
  token: string;
  locked_at: Timestamp;
  response_status: number | null;
  response_headers: NullableJson;
  response_body: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export interface WebhookDeliveriesTable {
  id: string;
  job_id: string;
  owner_id: string;
  url: string;
  event_type: string;
  /** The JSON body as text (exact bytes, unlike jsonb), frozen at the first attempt. */
  payload: string | null;
  status: string;
  attempts: number;
  next_attempt_at: NullableTimestamp;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Timestamp;
  delivered_at: NullableTimestamp;
}

/** The whole schema, as Kysely sees it. */
export interface Database {
  jobs: JobsTable;
  job_events: JobEventsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  users: UsersTable;
  api_keys: ApiKeysTable;
  batches: BatchesTable;
  idempotency_keys: IdempotencyKeysTable;
  audit_log: AuditLogTable;
  uploads: UploadsTable;
  configurations: ConfigurationsTable;
}

/**
 * An open database: the Kysely instance, which engine is behind it, and `close()` (idempotent)
 * which ends connections and releases the PGlite data-directory lock.
 */
export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly kind: 'pglite' | 'postgres';
  close(): Promise<void>;
}
