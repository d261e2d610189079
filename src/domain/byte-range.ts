import { err, ok, type Result } from 'neverthrow';
import type { RangeNotSatisfiable } from './errors.js';

/** A single byte-range request (RFC 9110 §14.1.2): `a-b`, `a-` or suffix `-n`. */
export type ByteRangeRequest =
  | { readonly kind: 'bounded'; readonly start: number; readonly end: number }
  | { readonly kind: 'from'; readonly start: number }
  | { readonly kind: 'suffix'; readonly length: number };

/** A resolved inclusive range of byte offsets within a representation. */
export interface ByteRange {
  readonly start: number;
  /** Inclusive last byte offset. */
  readonly end: number;
}

/**
 * Parses a `Range` header value holding one `bytes` range.
 * @returns the request, or `null` when the header is absent, malformed, multi-range or another
 *   unit: RFC 9110 lets a server ignore such a header and answer 200 with the whole body.
 */
export function parseRangeHeader(header: string | undefined): ByteRangeRequest | null {
  if (header === undefined) return null;
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!m) return null;
  const [, a = '', b = ''] = m;
  if (a === '' && b === '') return null;
  if (a === '') return { kind: 'suffix', length: Number(b) };
  if (b === '') return { kind: 'from', start: Number(a) };
  const start = Number(a);
  const end = Number(b);
  if (end < start) return null;
  return { kind: 'bounded', start, end };
}

/**
 * Resolves a range request against a representation of `size` bytes (RFC 9110 §14.1.2):
 * an end past the last byte is clamped; a start at or past `size` or a zero-length suffix is unsatisfiable.
 */
export function resolveByteRange(
  request: ByteRangeRequest,
  size: number,
): Result<ByteRange, RangeNotSatisfiable> {
  const unsatisfiable = err<never, RangeNotSatisfiable>({ type: 'RangeNotSatisfiable', size });
  switch (request.kind) {
    case 'suffix':
      if (request.length === 0 || size === 0) return unsatisfiable;
      return ok({ start: Math.max(0, size - request.length), end: size - 1 });
    case 'from':
      if (request.start >= size) return unsatisfiable;
      return ok({ start: request.start, end: size - 1 });
    case 'bounded':
      if (request.start >= size) return unsatisfiable;
      return ok({ start: request.start, end: Math.min(request.end, size - 1) });
  }
}
