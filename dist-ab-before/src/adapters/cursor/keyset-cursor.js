/** Cursor text: base64url of `<a|d>|<ISO time>|<id>`. */
export function encodeKeysetCursor(position) {
    const dir = position.sort === 'asc' ? 'a' : 'd';
    return Buffer.from(`${dir}|${position.at.toISOString()}|${position.id}`, 'utf8').toString('base64url');
}
/**
 * Reads a cursor made by {@link encodeKeysetCursor} for `sort`.
 * @returns the position, or `null` when the text is not such a cursor (malformed, tampered,
 *   made for the other sort direction).
 */
export function decodeKeysetCursor(text, sort) {
    if (text.length === 0 || text.length > 512 || !/^[A-Za-z0-9_-]+$/.test(text))
        return null;
    const decoded = Buffer.from(text, 'base64url').toString('utf8');
    const first = decoded.indexOf('|');
    const second = decoded.indexOf('|', first + 1);
    if (first !== 1 || second < 0)
        return null;
    const dir = decoded.slice(0, 1);
    const at = new Date(decoded.slice(first + 1, second));
    const id = decoded.slice(second + 1);
    if ((dir === 'a' ? 'asc' : dir === 'd' ? 'desc' : null) !== sort)
        return null;
    if (Number.isNaN(at.getTime()) || id.length === 0)
        return null;
    const position = { sort, at, id };
    return encodeKeysetCursor(position) === text ? position : null;
}
//# sourceMappingURL=keyset-cursor.js.map