import { describe, expect, it } from 'vitest';
import { backoffDelayMs, type BackoffPolicy } from '../../../src/domain/backoff.js';

const policy: BackoffPolicy = { baseMs: 1_000, maxMs: 60_000 };
const ALMOST_ONE = 1 - Number.EPSILON;

describe('backoffDelayMs', () => {
  it.each([
    [1, 1_000],
    [2, 2_000],
    [3, 4_000],
    [4, 8_000],
    [5, 16_000],
    [6, 32_000],
  ])('grows exponentially: attempt %s has a ceiling of %s ms', (attempt, exp) => {
    expect(backoffDelayMs(policy, attempt, ALMOST_ONE)).toBe(exp);
    expect(backoffDelayMs(policy, attempt, 0)).toBe(exp / 2);
  });

  it.each([7, 8, 20, 100, 1_000])('is capped at maxMs from attempt %s', (attempt) => {
    expect(backoffDelayMs(policy, attempt, ALMOST_ONE)).toBe(60_000);
    expect(backoffDelayMs(policy, attempt, 0)).toBe(30_000);
  });

  it('equal jitter: half fixed, half random, linear in random', () => {
    expect(backoffDelayMs(policy, 3, 0)).toBe(2_000);
    expect(backoffDelayMs(policy, 3, 0.25)).toBe(2_500);
    expect(backoffDelayMs(policy, 3, 0.5)).toBe(3_000);
    expect(backoffDelayMs(policy, 3, 0.999_999)).toBe(4_000);
  });

  it('stays within [exp / 2, exp] for random in [0, 1)', () => {
    for (let attempt = 1; attempt <= 12; attempt += 1) {
      const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
      for (const random of [0, 0.1, 0.37, 0.5, 0.9, ALMOST_ONE]) {
        const delay = backoffDelayMs(policy, attempt, random);
        expect(delay).toBeGreaterThanOrEqual(exp / 2);
        expect(delay).toBeLessThanOrEqual(exp);
        expect(Number.isInteger(delay)).toBe(true);
      }
    }
  });

  it('never decreases with the attempt for the same random', () => {
    for (const random of [0, 0.5, ALMOST_ONE]) {
      const delays = Array.from({ length: 15 }, (_, i) => backoffDelayMs(policy, i + 1, random));
      for (let i = 1; i < delays.length; i += 1) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1]!);
    }
  });

  it('clamps a random outside [0, 1]', () => {
    expect(backoffDelayMs(policy, 2, -3)).toBe(1_000);
    expect(backoffDelayMs(policy, 2, 7)).toBe(2_000);
  });

  it('treats attempt 0 or below like attempt 1', () => {
    expect(backoffDelayMs(policy, 0, 0)).toBe(500);
    expect(backoffDelayMs(policy, -2, ALMOST_ONE)).toBe(1_000);
  });

  it('rounds to whole milliseconds', () => {
    expect(backoffDelayMs({ baseMs: 3, maxMs: 100 }, 1, 0)).toBe(2); // 1.5 rounds up
    expect(backoffDelayMs({ baseMs: 333, maxMs: 10_000 }, 1, 0.5)).toBe(250); // 166.5 + 83.25
  });

  it('a base above the cap is capped from the first attempt', () => {
    expect(backoffDelayMs({ baseMs: 90_000, maxMs: 60_000 }, 1, ALMOST_ONE)).toBe(60_000);
  });
});
