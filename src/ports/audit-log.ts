import type { ResultAsync } from 'neverthrow';
import type { DatabaseUnavailable, InvalidCursor } from './errors.js';

/** What happened, for {@link AuditLog.record}. */
export interface AuditRecordInput {
  /** User id of who did it. */
  readonly actorId: string;
  /** Stable dotted name, e.g. `job.deleted`, `job.admin-cancelled`, `jobs.admin-listed`, `api-key.created`. */
  readonly action: string;
  /** Kind of the thing acted on, e.g. `job`, `api-key`. */
  readonly targetType: string;
  /** Id of the thing acted on; `null` for actions on a collection. */
  readonly targetId: string | null;
  /** Structured detail (JSON-serialisable; never a secret). */
  readonly detail: Readonly<Record<string, unknown>>;
  readonly at: Date;
  /** The HTTP request id, to join with logs. */
  readonly requestId?: string;
}

/** One stored audit row. */
export interface AuditEntry {
  /** Assigned by the store; increasing. */
  readonly id: string;
  readonly actorId: string;
  readonly action: string;
  readonly targetType: string;
  readonly targetId: string | null;
  readonly detail: Readonly<Record<string, unknown>>;
  readonly at: Date;
  readonly requestId: string | null;
}

/** Which rows {@link AuditLog.list} returns: every given field must match. */
export interface AuditFilter {
  readonly actorId?: string;
  readonly action?: string;
  readonly targetType?: string;
  readonly targetId?: string;
  /** Page size, clamped to 1–100. */
  readonly limit: number;
  /** `nextCursor` of the previous page. */
  readonly cursor?: string;
}

export interface AuditPage {
  /** Newest first (by time, then id). */
  readonly items: readonly AuditEntry[];
  readonly nextCursor: string | null;
}

/**
 * Append-only log of security-relevant actions (DESIGN §5: deletions, admin actions, API-key
 * creation). Rows are never changed.
 */
export interface AuditLog {
  /** Appends a row. @returns the stored row with its id. */
  record(entry: AuditRecordInput): ResultAsync<AuditEntry, DatabaseUnavailable>;
  /** Rows matching `filter`, newest first. @returns `InvalidCursor` for a cursor it did not make. */
  list(filter: AuditFilter): ResultAsync<AuditPage, InvalidCursor | DatabaseUnavailable>;
}
