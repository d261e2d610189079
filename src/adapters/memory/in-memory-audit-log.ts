import { ok, ResultAsync, type Result } from 'neverthrow';
import type {
  AuditEntry,
  AuditFilter,
  AuditLog,
  AuditPage,
  AuditRecordInput,
} from '../../ports/audit-log.js';
import type { DatabaseUnavailable, InvalidCursor } from '../../ports/errors.js';
import { newestFirstPage } from './newest-first-page.js';

/** Runs `step` on a later microtask; a throw (programmer error) rejects, as a database adapter's would. */
const later = <T, E>(step: () => Result<T, E>): ResultAsync<T, E> =>
  new ResultAsync(Promise.resolve().then(step));

const copy = (entry: AuditEntry): AuditEntry => ({
  ...entry,
  detail: structuredClone(entry.detail) as Record<string, unknown>,
  at: new Date(entry.at),
});

/** {@link AuditLog} in memory, held to the same contract as the SQL adapter (ids 1, 2, 3...). */
export class InMemoryAuditLog implements AuditLog {
  private readonly entries: AuditEntry[] = [];

  record(entry: AuditRecordInput): ResultAsync<AuditEntry, DatabaseUnavailable> {
    return later(() => {
      const stored: AuditEntry = {
        id: String(this.entries.length + 1),
        actorId: entry.actorId,
        action: entry.action,
        targetType: entry.targetType,
        targetId: entry.targetId,
        detail: structuredClone(entry.detail) as Record<string, unknown>,
        at: new Date(entry.at),
        requestId: entry.requestId ?? null,
      };
      this.entries.push(stored);
      return ok(copy(stored));
    });
  }

  list(filter: AuditFilter): ResultAsync<AuditPage, InvalidCursor | DatabaseUnavailable> {
    return later((): Result<AuditPage, InvalidCursor> => {
      const limit = Math.min(100, Math.max(1, Number.isFinite(filter.limit) ? Math.floor(filter.limit) : 1));
      const matching = this.entries.filter(
        (e) =>
          (filter.actorId === undefined || e.actorId === filter.actorId) &&
          (filter.action === undefined || e.action === filter.action) &&
          (filter.targetType === undefined || e.targetType === filter.targetType) &&
          (filter.targetId === undefined || e.targetId === filter.targetId),
      );
      // Ids are numeric, as the SQL identity column: compared as numbers, cursors must hold one.
      return newestFirstPage(matching, {
        cursor: filter.cursor,
        limit,
        keyOf: (e) => ({ at: e.at, id: e.id }),
        compareIds: (a, b) => Number(a) - Number(b),
        acceptsId: (id) => /^[1-9][0-9]{0,17}$/.test(id),
        copy,
      });
    });
  }
}
