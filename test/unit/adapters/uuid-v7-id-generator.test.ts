import { describe, expect, it } from 'vitest';
import { FixedClock } from '../../../src/adapters/memory/fixed-clock.js';
import { UuidV7IdGenerator } from '../../../src/adapters/system/uuid-v7-id-generator.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The 48-bit unix-ms timestamp in the first 12 hex digits. */
const timestampOf = (id: string): number => parseInt(id.replace(/-/g, '').slice(0, 12), 16);
const bytesOf = (id: string): Buffer => Buffer.from(id.replace(/-/g, ''), 'hex');
const strictlyIncreasing = (ids: readonly string[]): boolean =>
  ids.every((id, i) => i === 0 || ids[i - 1]! < id);

describe('UuidV7IdGenerator', () => {
  it('makes lowercase RFC 9562 version-7 UUIDs with variant 10', () => {
    const generator = new UuidV7IdGenerator();
    for (let i = 0; i < 1000; i++) {
      const id = generator.next();
      expect(id).toMatch(UUID_V7);
      const bytes = bytesOf(id);
      expect(bytes[6]! >> 4).toBe(0b0111);
      expect(bytes[8]! >> 6).toBe(0b10);
    }
  });

  it('puts the clock time in the first 48 bits', () => {
    const ms = Date.parse('2026-03-04T05:06:07.089Z');
    const id = new UuidV7IdGenerator({ clock: new FixedClock(new Date(ms)) }).next();
    expect(timestampOf(id)).toBe(ms);
    const hex = ms.toString(16).padStart(12, '0');
    expect(id.slice(0, 13)).toBe(`${hex.slice(0, 8)}-${hex.slice(8)}`);
  });

  it('is strictly increasing over 10,000 ids on the system clock, all unique', () => {
    const generator = new UuidV7IdGenerator();
    const ids = Array.from({ length: 10_000 }, () => generator.next());
    expect(strictlyIncreasing(ids)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => UUID_V7.test(id))).toBe(true);
  });

  it('is strictly increasing over 10,000 ids within one millisecond', () => {
    const clock = new FixedClock();
    const generator = new UuidV7IdGenerator({ clock });
    const ids = Array.from({ length: 10_000 }, () => generator.next());
    expect(strictlyIncreasing(ids)).toBe(true);
    expect(ids.every((id) => timestampOf(id) === clock.now().getTime())).toBe(true);
  });

  it('orders ids by time: a later millisecond sorts after', () => {
    const clock = new FixedClock();
    const generator = new UuidV7IdGenerator({ clock });
    const early = generator.next();
    clock.advance(1);
    const later = generator.next();
    clock.advance(60_000);
    const muchLater = generator.next();
    expect([muchLater, early, later].sort()).toEqual([early, later, muchLater]);
    expect(timestampOf(later) - timestampOf(early)).toBe(1);
  });

  it('stays increasing when the clock goes backwards', () => {
    const clock = new FixedClock('2026-01-01T00:00:10.000Z');
    const generator = new UuidV7IdGenerator({ clock });
    const before = generator.next();
    clock.advance(-5_000);
    const after = generator.next();
    expect(after > before).toBe(true);
    expect(timestampOf(after)).toBe(timestampOf(before));
  });

  it('advances the timestamp instead of wrapping when the counter overflows', () => {
    const clock = new FixedClock();
    // All-ones random bytes seed the counter at 2^41 - 1, the highest seed.
    const generator = new UuidV7IdGenerator({ clock, fillRandom: (b) => void b.fill(0xff) });
    const first = generator.next();
    expect(first).toMatch(UUID_V7);
    // Walk the counter to its maximum quickly through the private state, then overflow once.
    (generator as unknown as { counter: number }).counter = 2 ** 42 - 1;
    const atMax = generator.next(); // overflows: next millisecond, fresh seed
    expect(timestampOf(atMax)).toBe(clock.now().getTime() + 1);
    expect(atMax > first).toBe(true);
  });

  it('uses the random source for the tail', () => {
    const zeros = new UuidV7IdGenerator({
      clock: new FixedClock(),
      fillRandom: (b) => void b.fill(0),
    }).next();
    expect(zeros).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7000-8000-000000000000$/);
  });

  it('refuses a clock before 1970', () => {
    const generator = new UuidV7IdGenerator({ clock: new FixedClock('1969-12-31T23:59:59.000Z') });
    expect(() => generator.next()).toThrow(RangeError);
  });
});
