/** Opaque cursor text: base64url of `<ISO time>|<event id>`. */
export function encodeEventCursor(cursor) {
    return Buffer.from(`${cursor.at.toISOString()}|${cursor.id}`, 'utf8').toString('base64url');
}
/** Reads a cursor made by {@link encodeEventCursor}; `null` when the text was not made by it. */
export function decodeEventCursor(text) {
    const decoded = Buffer.from(text, 'base64url').toString('utf8');
    const bar = decoded.indexOf('|');
    const at = new Date(bar > 0 ? decoded.slice(0, bar) : Number.NaN);
    const id = decoded.slice(bar + 1);
    if (bar <= 0 || Number.isNaN(at.getTime()) || id.length === 0 || encodeEventCursor({ at, id }) !== text)
        return null;
    return { at, id };
}
/** Clamps a requested page size to the port's 1–500. */
export const clampPageLimit = (limit) => Math.min(500, Math.max(1, Number.isFinite(limit) ? Math.floor(limit) : 1));
//# sourceMappingURL=event-cursor.js.map