import { describe, expect, it } from 'vitest';
import { FixedClock } from '../../../src/adapters/memory/fixed-clock.js';
import { SequentialIdGenerator } from '../../../src/adapters/memory/sequential-id-generator.js';
import { SystemClock } from '../../../src/adapters/system/system-clock.js';

describe('SystemClock', () => {
  it('reads the system time', () => {
    const before = Date.now();
    const now = new SystemClock().now().getTime();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });
});

describe('FixedClock', () => {
  it('stands still, and can be set and advanced', () => {
    const clock = new FixedClock('2026-05-01T12:00:00.000Z');
    expect(clock.now().toISOString()).toBe('2026-05-01T12:00:00.000Z');
    expect(clock.now().toISOString()).toBe('2026-05-01T12:00:00.000Z');
    expect(clock.advance(1500).toISOString()).toBe('2026-05-01T12:00:01.500Z');
    clock.set(new Date('2027-01-01T00:00:00.000Z'));
    expect(clock.now().toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });

  it('returns a fresh Date each time', () => {
    const clock = new FixedClock();
    clock.now().setFullYear(1999);
    expect(clock.now().toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });

  it('refuses invalid times', () => {
    expect(() => new FixedClock('not a date')).toThrow(RangeError);
    expect(() => new FixedClock().advance(Number.NaN)).toThrow(RangeError);
  });
});

describe('SequentialIdGenerator', () => {
  it('makes deterministic, UUID-shaped, increasing ids', () => {
    const ids = new SequentialIdGenerator();
    expect(ids.peek()).toBe('00000000-0000-7000-8000-000000000001');
    expect([ids.next(), ids.next(), ids.next()]).toEqual([
      '00000000-0000-7000-8000-000000000001',
      '00000000-0000-7000-8000-000000000002',
      '00000000-0000-7000-8000-000000000003',
    ]);
    const from = new SequentialIdGenerator({ start: 255 });
    const [a, b] = [from.next(), from.next()];
    expect(a).toBe('00000000-0000-7000-8000-0000000000ff');
    expect(a < b!).toBe(true);
  });

  it('refuses a start that is not a non-negative integer', () => {
    expect(() => new SequentialIdGenerator({ start: -1 })).toThrow(RangeError);
    expect(() => new SequentialIdGenerator({ start: 1.5 })).toThrow(RangeError);
  });
});
