/**
 * The opaque page cursor of keyset pagination on `(time, id)`, shared by the SQL and in-memory
 * adapters so that both answer the same cursors the same way.
 */
export interface KeysetPosition {
  /** Sort direction the cursor was made for; a cursor is refused under the other one. */
  readonly sort: 'asc' | 'desc';
  readonly at: Date;
  readonly id: string;
}

/** Cursor text: base64url of `<a|d>|<ISO time>|<id>`. */
export function encodeKeysetCursor(position: KeysetPosition): string {
  const dir = position.sort === 'asc' ? 'a' : 'd';
  return Buffer.from(`${dir}|${position.at.toISOString()}|${position.id}`, 'utf8').toString('base64url');
}

/**
 * Reads a cursor made by {@link encodeKeysetCursor} for `sort`.
 * @returns the position, or `null` when the text is not such a cursor (malformed, tampered,
 *   made for the other sort direction).
 */
export function decodeKeysetCursor(text: string, sort: 'asc' | 'desc'): KeysetPosition | null {
  if (text.length === 0 || text.length > 512 || !/^[A-Za-z0-9_-]+$/.test(text)) return null;
  const decoded = Buffer.from(text, 'base64url').toString('utf8');
  const first = decoded.indexOf('|');
  const second = decoded.indexOf('|', first + 1);
  if (first !== 1 || second < 0) return null;
  const dir = decoded.slice(0, 1);
  const at = new Date(decoded.slice(first + 1, second));
  const id = decoded.slice(second + 1);
  if ((dir === 'a' ? 'asc' : dir === 'd' ? 'desc' : null) !== sort) return null;
  if (Number.isNaN(at.getTime()) || id.length === 0) return null;
  const position: KeysetPosition = { sort, at, id };
  return encodeKeysetCursor(position) === text ? position : null;
}

/**
 * One page of keyset pagination from a query that fetched `limit + 1` rows: the first `limit`
 * rows mapped to items, and a cursor after the last item when the extra row shows there is more.
 */
export function toPage<Row, Item>(
  rows: readonly Row[],
  limit: number,
  toItem: (row: Row) => Item,
  cursorAfter: (last: Item) => string,
): { items: Item[]; nextCursor: string | null } {
  const items = rows.slice(0, limit).map(toItem);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last !== undefined ? cursorAfter(last) : null };
}
