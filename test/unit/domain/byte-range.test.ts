import { describe, expect, it } from 'vitest';
import { parseRangeHeader, resolveByteRange, type ByteRangeRequest } from '../../../src/domain/byte-range.js';

describe('parseRangeHeader', () => {
  it.each([
    ['bytes=0-99', { kind: 'bounded', start: 0, end: 99 }],
    ['bytes=0-0', { kind: 'bounded', start: 0, end: 0 }],
    ['bytes=5-5', { kind: 'bounded', start: 5, end: 5 }],
    ['bytes=100-', { kind: 'from', start: 100 }],
    ['bytes=0-', { kind: 'from', start: 0 }],
    ['bytes=-500', { kind: 'suffix', length: 500 }],
    ['bytes=-0', { kind: 'suffix', length: 0 }],
    ['bytes=007-010', { kind: 'bounded', start: 7, end: 10 }],
    ['  bytes = 0 - 99  ', { kind: 'bounded', start: 0, end: 99 }],
    ['bytes= 100 -', { kind: 'from', start: 100 }],
    ['BYTES=0-99', { kind: 'bounded', start: 0, end: 99 }],
    ['Bytes=-500', { kind: 'suffix', length: 500 }],
    ['bytes=0-99999999999', { kind: 'bounded', start: 0, end: 99_999_999_999 }],
  ] as const)('%j -> %j', (header, expected) => {
    expect(parseRangeHeader(header)).toEqual(expected);
  });

  it.each([
    ['multi-range', 'bytes=0-99,200-299'],
    ['multi-range with spaces', 'bytes=0-99, 200-'],
    ['another unit', 'items=0-99'],
    ['no unit', '0-99'],
    ['end before start', 'bytes=100-99'],
    ['no numbers', 'bytes=-'],
    ['no range', 'bytes='],
    ['garbage', 'garbage'],
    ['letters', 'bytes=a-b'],
    ['negative start', 'bytes=-5-10'],
    ['decimal', 'bytes=1.5-10'],
    ['two dashes', 'bytes=0--9'],
    ['empty', ''],
  ])('%s (%j) -> null', (_label, header) => {
    expect(parseRangeHeader(header)).toBeNull();
  });

  it('an absent header -> null', () => {
    expect(parseRangeHeader(undefined)).toBeNull();
  });
});

describe('resolveByteRange', () => {
  const resolve = (request: ByteRangeRequest, size: number) => resolveByteRange(request, size);
  const unsatisfiable = (size: number) => ({ type: 'RangeNotSatisfiable', size });

  describe('bounded a-b', () => {
    it('inside the representation', () => {
      expect(resolve({ kind: 'bounded', start: 0, end: 99 }, 1_000)._unsafeUnwrap()).toEqual({
        start: 0,
        end: 99,
      });
      expect(resolve({ kind: 'bounded', start: 999, end: 999 }, 1_000)._unsafeUnwrap()).toEqual({
        start: 999,
        end: 999,
      });
    });

    it('clamps an end past the last byte', () => {
      expect(resolve({ kind: 'bounded', start: 900, end: 5_000 }, 1_000)._unsafeUnwrap()).toEqual({
        start: 900,
        end: 999,
      });
      expect(resolve({ kind: 'bounded', start: 0, end: 1_000 }, 1_000)._unsafeUnwrap()).toEqual({
        start: 0,
        end: 999,
      });
    });

    it('a start at or past the size is unsatisfiable, naming the size', () => {
      expect(resolve({ kind: 'bounded', start: 1_000, end: 1_099 }, 1_000)._unsafeUnwrapErr()).toEqual(
        unsatisfiable(1_000),
      );
      expect(resolve({ kind: 'bounded', start: 5_000, end: 6_000 }, 1_000)._unsafeUnwrapErr()).toEqual(
        unsatisfiable(1_000),
      );
    });
  });

  describe('from a-', () => {
    it('runs to the last byte', () => {
      expect(resolve({ kind: 'from', start: 100 }, 1_000)._unsafeUnwrap()).toEqual({ start: 100, end: 999 });
      expect(resolve({ kind: 'from', start: 0 }, 1_000)._unsafeUnwrap()).toEqual({ start: 0, end: 999 });
      expect(resolve({ kind: 'from', start: 999 }, 1_000)._unsafeUnwrap()).toEqual({ start: 999, end: 999 });
    });

    it('a start at or past the size is unsatisfiable', () => {
      expect(resolve({ kind: 'from', start: 1_000 }, 1_000)._unsafeUnwrapErr()).toEqual(unsatisfiable(1_000));
      expect(resolve({ kind: 'from', start: 1_001 }, 1_000)._unsafeUnwrapErr()).toEqual(unsatisfiable(1_000));
    });
  });

  describe('suffix -n', () => {
    it('the last n bytes', () => {
      expect(resolve({ kind: 'suffix', length: 500 }, 1_000)._unsafeUnwrap()).toEqual({
        start: 500,
        end: 999,
      });
      expect(resolve({ kind: 'suffix', length: 1 }, 1_000)._unsafeUnwrap()).toEqual({ start: 999, end: 999 });
    });

    it('a suffix as long as or longer than the representation is the whole of it', () => {
      expect(resolve({ kind: 'suffix', length: 1_000 }, 1_000)._unsafeUnwrap()).toEqual({
        start: 0,
        end: 999,
      });
      expect(resolve({ kind: 'suffix', length: 5_000 }, 1_000)._unsafeUnwrap()).toEqual({
        start: 0,
        end: 999,
      });
    });

    it('a zero-length suffix is unsatisfiable', () => {
      expect(resolve({ kind: 'suffix', length: 0 }, 1_000)._unsafeUnwrapErr()).toEqual(unsatisfiable(1_000));
    });
  });

  describe('an empty representation', () => {
    it.each([
      { kind: 'bounded', start: 0, end: 0 },
      { kind: 'bounded', start: 0, end: 99 },
      { kind: 'from', start: 0 },
      { kind: 'suffix', length: 1 },
      { kind: 'suffix', length: 500 },
      { kind: 'suffix', length: 0 },
    ] as const)('%j is unsatisfiable with size 0', (request) => {
      expect(resolve(request, 0)._unsafeUnwrapErr()).toEqual(unsatisfiable(0));
    });
  });

  it('a one-byte representation', () => {
    expect(resolve({ kind: 'bounded', start: 0, end: 10 }, 1)._unsafeUnwrap()).toEqual({ start: 0, end: 0 });
    expect(resolve({ kind: 'suffix', length: 10 }, 1)._unsafeUnwrap()).toEqual({ start: 0, end: 0 });
    expect(resolve({ kind: 'from', start: 1 }, 1)._unsafeUnwrapErr()).toEqual(unsatisfiable(1));
  });

  it('parse then resolve, end to end', () => {
    const ranges = ['bytes=0-99', 'bytes=100-', 'bytes=-500', 'bytes=0-5000'].map((h) =>
      resolveByteRange(parseRangeHeader(h)!, 1_000)._unsafeUnwrap(),
    );
    expect(ranges).toEqual([
      { start: 0, end: 99 },
      { start: 100, end: 999 },
      { start: 500, end: 999 },
      { start: 0, end: 999 },
    ]);
  });

  it('every satisfiable range lies within the representation', () => {
    const requests: ByteRangeRequest[] = [];
    for (let a = 0; a <= 12; a += 1) {
      requests.push({ kind: 'from', start: a }, { kind: 'suffix', length: a });
      for (let b = a; b <= 12; b += 1) requests.push({ kind: 'bounded', start: a, end: b });
    }
    for (let size = 0; size <= 10; size += 1)
      for (const request of requests) {
        const result = resolveByteRange(request, size);
        if (result.isOk()) {
          expect(result.value.start).toBeGreaterThanOrEqual(0);
          expect(result.value.start).toBeLessThanOrEqual(result.value.end);
          expect(result.value.end).toBeLessThan(size);
        } else {
          expect(result.error).toEqual(unsatisfiable(size));
        }
      }
  });
});
