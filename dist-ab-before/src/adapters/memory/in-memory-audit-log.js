import { err, ok, ResultAsync } from 'neverthrow';
import { invalidCursor } from '../../ports/errors.js';
import { decodeKeysetCursor, encodeKeysetCursor } from '../cursor/keyset-cursor.js';
/** Runs `step` on a later microtask; a throw (programmer error) rejects, as a database adapter's would. */
const later = (step) => new ResultAsync(Promise.resolve().then(step));
const copy = (entry) => ({
    ...entry,
    detail: structuredClone(entry.detail),
    at: new Date(entry.at),
});
/** Newest first: time, then id (numeric, as the SQL identity column). */
const newestFirst = (a, b) => b.at.getTime() - a.at.getTime() || Number(b.id) - Number(a.id);
/** {@link AuditLog} in memory, held to the same contract as the SQL adapter (ids 1, 2, 3...). */
export class InMemoryAuditLog {
    entries = [];
    record(entry) {
        return later(() => {
            const stored = {
                id: String(this.entries.length + 1),
                actorId: entry.actorId,
                action: entry.action,
                targetType: entry.targetType,
                targetId: entry.targetId,
                detail: structuredClone(entry.detail),
                at: new Date(entry.at),
                requestId: entry.requestId ?? null,
            };
            this.entries.push(stored);
            return ok(copy(stored));
        });
    }
    list(filter) {
        return later(() => {
            const after = filter.cursor === undefined ? null : decodeKeysetCursor(filter.cursor, 'desc');
            if (filter.cursor !== undefined && (after === null || !/^[1-9][0-9]{0,17}$/.test(after.id)))
                return err(invalidCursor(filter.cursor));
            const limit = Math.min(100, Math.max(1, Number.isFinite(filter.limit) ? Math.floor(filter.limit) : 1));
            const rest = this.entries
                .filter((e) => (filter.actorId === undefined || e.actorId === filter.actorId) &&
                (filter.action === undefined || e.action === filter.action) &&
                (filter.targetType === undefined || e.targetType === filter.targetType) &&
                (filter.targetId === undefined || e.targetId === filter.targetId) &&
                (after === null || newestFirst(e, after) > 0))
                .sort(newestFirst);
            const items = rest.slice(0, limit).map(copy);
            const last = items[items.length - 1];
            return ok({
                items,
                nextCursor: rest.length > limit && last !== undefined
                    ? encodeKeysetCursor({ sort: 'desc', at: last.at, id: last.id })
                    : null,
            });
        });
    }
}
//# sourceMappingURL=in-memory-audit-log.js.map