import { err, ok, ResultAsync } from 'neverthrow';
import { invalidCursor } from '../../ports/errors.js';
/** Runs `step` on a later microtask; a throw (programmer error) rejects, as a database adapter's would. */
const later = (step) => new ResultAsync(Promise.resolve().then(step));
const copy = (event) => ({
    ...event,
    at: new Date(event.at),
    data: structuredClone(event.data),
});
/** Order of a job's log: time, then id (byte order, as the SQL adapter's `COLLATE "C"`). */
const byTimeThenId = (a, b) => a.at.getTime() - b.at.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const encodeCursor = (event) => Buffer.from(`${event.at.toISOString()}|${event.id}`, 'utf8').toString('base64url');
/** The position of a cursor made by {@link encodeCursor}, or `null` for any other text. */
function decodeCursor(text) {
    const decoded = Buffer.from(text, 'base64url').toString('utf8');
    const bar = decoded.indexOf('|');
    const at = new Date(bar > 0 ? decoded.slice(0, bar) : Number.NaN);
    const id = decoded.slice(bar + 1);
    if (bar <= 0 ||
        Number.isNaN(at.getTime()) ||
        id.length === 0 ||
        Buffer.from(`${at.toISOString()}|${id}`, 'utf8').toString('base64url') !== text)
        return null;
    return { at, id };
}
/**
 * {@link JobEventRepository} in memory, held to the same contract as the SQL adapter: oldest
 * first by `(at, id)`, the same opaque cursor format, `limit` clamped to 1–500. Unlike the SQL
 * adapter it does not know the jobs, so it accepts events of any job id.
 */
export class InMemoryJobEventRepository {
    events = new Map();
    ids = new Set();
    /** @throws Error (the ResultAsync rejects) when an event with this id exists. */
    append(event) {
        return later(() => {
            if (this.ids.has(event.id))
                throw new Error(`duplicate job event id ${event.id}`);
            this.ids.add(event.id);
            const log = this.events.get(event.jobId) ?? [];
            log.push(copy(event));
            log.sort(byTimeThenId);
            this.events.set(event.jobId, log);
            return ok(undefined);
        });
    }
    list(jobId, page) {
        return later(() => {
            const limit = Math.min(500, Math.max(1, Number.isFinite(page.limit) ? Math.floor(page.limit) : 1));
            const after = page.cursor === undefined ? null : decodeCursor(page.cursor);
            if (page.cursor !== undefined && after === null)
                return err(invalidCursor(page.cursor));
            const levels = page.levels ?? [];
            const rest = (this.events.get(jobId) ?? []).filter((e) => (after === null || byTimeThenId(e, after) > 0) && (levels.length === 0 || levels.includes(e.level)));
            const items = rest.slice(0, limit).map(copy);
            const last = items[items.length - 1];
            return ok({ items, nextCursor: rest.length > limit && last !== undefined ? encodeCursor(last) : null });
        });
    }
    deleteForJob(jobId) {
        return later(() => {
            const log = this.events.get(jobId) ?? [];
            for (const e of log)
                this.ids.delete(e.id);
            this.events.delete(jobId);
            return ok(log.length);
        });
    }
}
//# sourceMappingURL=in-memory-job-event-repository.js.map