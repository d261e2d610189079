import { err, ok, ResultAsync, type Result } from 'neverthrow';
import type { JobEvent } from '../../domain/job-event.js';
import { invalidCursor, type DatabaseUnavailable, type InvalidCursor } from '../../ports/errors.js';
import type {
  JobEventPage,
  JobEventPageQuery,
  JobEventRepository,
} from '../../ports/job-event-repository.js';

/** Runs `step` on a later microtask; a throw (programmer error) rejects, as a database adapter's would. */
const later = <T, E>(step: () => Result<T, E>): ResultAsync<T, E> =>
  new ResultAsync(Promise.resolve().then(step));

const copy = (event: JobEvent): JobEvent => ({
  ...event,
  at: new Date(event.at),
  data: structuredClone(event.data) as Record<string, unknown>,
});

/** Order of a job's log: time, then id (byte order, as the SQL adapter's `COLLATE "C"`). */
const byTimeThenId = (a: { at: Date; id: string }, b: { at: Date; id: string }): number =>
  a.at.getTime() - b.at.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

const encodeCursor = (event: JobEvent): string =>
  Buffer.from(`${event.at.toISOString()}|${event.id}`, 'utf8').toString('base64url');

/** The position of a cursor made by {@link encodeCursor}, or `null` for any other text. */
function decodeCursor(text: string): { at: Date; id: string } | null {
  const decoded = Buffer.from(text, 'base64url').toString('utf8');
  const bar = decoded.indexOf('|');
  const at = new Date(bar > 0 ? decoded.slice(0, bar) : Number.NaN);
  const id = decoded.slice(bar + 1);
  if (
    bar <= 0 ||
    Number.isNaN(at.getTime()) ||
    id.length === 0 ||
    Buffer.from(`${at.toISOString()}|${id}`, 'utf8').toString('base64url') !== text
  )
    return null;
  return { at, id };
}

/**
 * {@link JobEventRepository} in memory, held to the same contract as the SQL adapter: oldest
 * first by `(at, id)`, the same opaque cursor format, `limit` clamped to 1–500. Unlike the SQL
 * adapter it does not know the jobs, so it accepts events of any job id.
 */
export class InMemoryJobEventRepository implements JobEventRepository {
  private readonly events = new Map<string, JobEvent[]>();
  private readonly ids = new Set<string>();

  /** @throws Error (the ResultAsync rejects) when an event with this id exists. */
  append(event: JobEvent): ResultAsync<void, DatabaseUnavailable> {
    return later(() => {
      if (this.ids.has(event.id)) throw new Error(`duplicate job event id ${event.id}`);
      this.ids.add(event.id);
      const log = this.events.get(event.jobId) ?? [];
      log.push(copy(event));
      log.sort(byTimeThenId);
      this.events.set(event.jobId, log);
      return ok(undefined);
    });
  }

  list(
    jobId: string,
    page: JobEventPageQuery,
  ): ResultAsync<JobEventPage, InvalidCursor | DatabaseUnavailable> {
    return later((): Result<JobEventPage, InvalidCursor> => {
      const limit = Math.min(500, Math.max(1, Number.isFinite(page.limit) ? Math.floor(page.limit) : 1));
      const after = page.cursor === undefined ? null : decodeCursor(page.cursor);
      if (page.cursor !== undefined && after === null) return err(invalidCursor(page.cursor));
      const levels = page.levels ?? [];
      const rest = (this.events.get(jobId) ?? []).filter(
        (e) =>
          (after === null || byTimeThenId(e, after) > 0) && (levels.length === 0 || levels.includes(e.level)),
      );
      const items = rest.slice(0, limit).map(copy);
      const last = items[items.length - 1];
      return ok({ items, nextCursor: rest.length > limit && last !== undefined ? encodeCursor(last) : null });
    });
  }

  deleteForJob(jobId: string): ResultAsync<number, DatabaseUnavailable> {
    return later(() => {
      const log = this.events.get(jobId) ?? [];
      for (const e of log) this.ids.delete(e.id);
      this.events.delete(jobId);
      return ok(log.length);
    });
  }
}
