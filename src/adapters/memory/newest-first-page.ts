import { err, ok, type Result } from 'neverthrow';
import { invalidCursor, type InvalidCursor } from '../../ports/errors.js';
import { decodeKeysetCursor, encodeKeysetCursor, toPage } from '../cursor/keyset-cursor.js';

/** How {@link newestFirstPage} reads and orders the items of one in-memory store. */
export interface NewestFirstPageOptions<T> {
  /** The cursor of the page before, as the caller sent it (`undefined`: the first page). */
  readonly cursor: string | undefined;
  /** Page size, already clamped by the caller to the port's bounds. */
  readonly limit: number;
  /** The item's keyset position: its time and id. */
  readonly keyOf: (item: T) => { readonly at: Date; readonly id: string };
  /** Orders two ids ascending (default: string order; the SQL adapters' text ids sort the same). */
  readonly compareIds?: (a: string, b: string) => number;
  /** Refuses cursors whose id this store could never have made (default: any id). */
  readonly acceptsId?: (id: string) => boolean;
  /** Copies an item handed out (callers must not reach the stored object). */
  readonly copy: (item: T) => T;
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * One page of `candidates` (already filtered by the query) in keyset order newest first, `(time,
 * id)` descending, with the same opaque cursors as the SQL adapters
 * ({@link encodeKeysetCursor}).
 * @returns the page, or `InvalidCursor` for a cursor that is malformed, made for ascending order
 *   or refused by `acceptsId`.
 */
export function newestFirstPage<T>(
  candidates: Iterable<T>,
  options: NewestFirstPageOptions<T>,
): Result<{ items: T[]; nextCursor: string | null }, InvalidCursor> {
  const after = options.cursor === undefined ? null : decodeKeysetCursor(options.cursor, 'desc');
  if (options.cursor !== undefined && (after === null || !(options.acceptsId?.(after.id) ?? true)))
    return err(invalidCursor(options.cursor));
  const compareIds = options.compareIds ?? byText;
  // > 0 when `a` comes after `b` in newest-first order.
  const order = (a: { at: Date; id: string }, b: { at: Date; id: string }): number =>
    b.at.getTime() - a.at.getTime() || compareIds(b.id, a.id);
  const rest = [...candidates]
    .filter((item) => after === null || order(options.keyOf(item), after) > 0)
    .sort((a, b) => order(options.keyOf(a), options.keyOf(b)));
  return ok(
    toPage(rest, options.limit, options.copy, (last) =>
      encodeKeysetCursor({ sort: 'desc', ...options.keyOf(last) }),
    ),
  );
}
