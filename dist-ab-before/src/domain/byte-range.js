import { err, ok } from 'neverthrow';
/**
 * Parses a `Range` header value holding one `bytes` range.
 * @returns the request, or `null` when the header is absent, malformed, multi-range or another
 *   unit: RFC 9110 lets a server ignore such a header and answer 200 with the whole body.
 */
export function parseRangeHeader(header) {
    if (header === undefined)
        return null;
    const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
    if (!m)
        return null;
    const [, a = '', b = ''] = m;
    if (a === '' && b === '')
        return null;
    if (a === '')
        return { kind: 'suffix', length: Number(b) };
    if (b === '')
        return { kind: 'from', start: Number(a) };
    const start = Number(a);
    const end = Number(b);
    if (end < start)
        return null;
    return { kind: 'bounded', start, end };
}
/**
 * Resolves a range request against a representation of `size` bytes (RFC 9110 §14.1.2):
 * an end past the last byte is clamped; a start at or past `size` or a zero-length suffix is unsatisfiable.
 */
export function resolveByteRange(request, size) {
    const unsatisfiable = err({ type: 'RangeNotSatisfiable', size });
    switch (request.kind) {
        case 'suffix':
            if (request.length === 0 || size === 0)
                return unsatisfiable;
            return ok({ start: Math.max(0, size - request.length), end: size - 1 });
        case 'from':
            if (request.start >= size)
                return unsatisfiable;
            return ok({ start: request.start, end: size - 1 });
        case 'bounded':
            if (request.start >= size)
                return unsatisfiable;
            return ok({ start: request.start, end: Math.min(request.end, size - 1) });
    }
}
//# sourceMappingURL=byte-range.js.map