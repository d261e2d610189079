/**
 * The object-key grammar shared by the ObjectStorage adapters, so that every adapter refuses the
 * same keys (a disk path must never escape its root; S3 and memory agree with disk).
 *
 * A key is 1–1024 UTF-8 bytes of `/`-separated segments, relative (no leading `/`), with no empty
 * segment (no `//`, no trailing `/`), no `.` segment, no `..` anywhere, no backslash and no NUL.
 * Keys are built by code from ids (DESIGN §6 layout), never taken verbatim from a client, so a bad
 * key is a programmer error: the adapters throw {@link InvalidObjectKeyError} synchronously.
 */
/** Thrown (not returned) when a key or prefix breaks the grammar above: a bug in the caller. */
export class InvalidObjectKeyError extends TypeError {
    key;
    reason;
    name = 'InvalidObjectKeyError';
    constructor(
    /** The refused key or prefix. */
    key, 
    /** Which rule it broke. */
    reason) {
        super(`invalid object key ${JSON.stringify(key)}: ${reason}`);
        this.key = key;
        this.reason = reason;
    }
}
/** S3's limit, applied everywhere so that disk and memory refuse what S3 would. */
export const MAX_OBJECT_KEY_BYTES = 1024;
function problemOf(value, allowTrailingSlash) {
    if (value.startsWith('/'))
        return 'must be relative (no leading "/")';
    if (value.includes('\\'))
        return 'must not contain a backslash';
    if (value.includes('\0'))
        return 'must not contain NUL';
    if (value.includes('..'))
        return 'must not contain ".."';
    if (Buffer.byteLength(value, 'utf8') > MAX_OBJECT_KEY_BYTES) {
        return `must be at most ${MAX_OBJECT_KEY_BYTES} UTF-8 bytes`;
    }
    const segments = value.split('/');
    const last = segments.length - 1;
    for (const [i, segment] of segments.entries()) {
        if (segment === '' && !(allowTrailingSlash && i === last))
            return 'must not contain an empty segment';
        if (segment === '.')
            return 'must not contain a "." segment';
    }
    return null;
}
/**
 * Checks an object key against the grammar.
 * @throws InvalidObjectKeyError when the key is empty or breaks a rule.
 */
export function assertObjectKey(key) {
    if (typeof key !== 'string' || key === '')
        throw new InvalidObjectKeyError(String(key), 'must not be empty');
    const problem = problemOf(key, false);
    if (problem !== null)
        throw new InvalidObjectKeyError(key, problem);
}
/**
 * Checks a key prefix (for `list` and `deletePrefix`). A prefix is matched as a plain string
 * prefix, as S3 does: `a/b` matches `a/b/c` and `a/bc`. It may be empty (everything, when
 * `allowEmpty`) and may end with `/`; otherwise the key rules apply.
 * @throws InvalidObjectKeyError when the prefix breaks a rule.
 */
export function assertObjectPrefix(prefix, options) {
    if (typeof prefix !== 'string')
        throw new InvalidObjectKeyError(String(prefix), 'must be a string');
    if (prefix === '') {
        if (options.allowEmpty)
            return;
        throw new InvalidObjectKeyError(prefix, 'must not be empty here (it would match every object)');
    }
    const problem = problemOf(prefix, true);
    if (problem !== null)
        throw new InvalidObjectKeyError(prefix, problem);
}
/** Orders keys by their UTF-8 bytes, as S3 lists them (equal to code-unit order for ASCII keys). */
export function compareObjectKeys(a, b) {
    return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
/**
 * Checks the shape of a resolved byte range passed to `get` (integers, 0 <= start <= end).
 * Whether it fits the object is the adapter's concern (the object may change after the caller resolved it).
 * @throws RangeError for a malformed range: a programmer error.
 */
export function assertByteRangeShape(range) {
    const { start, end } = range;
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
        throw new RangeError(`invalid byte range ${String(start)}-${String(end)}: need integers 0 <= start <= end`);
    }
}
//# sourceMappingURL=object-key.js.map