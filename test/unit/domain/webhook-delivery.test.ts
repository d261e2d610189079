import { describe, expect, it } from 'vitest';
import {
  STANDARD_WEBHOOK_RETRY_SCHEDULE_MS,
  webhookEventTypeFor,
  webhookRetryDelayMs,
} from '../../../src/domain/webhook-delivery.js';

describe('webhook retry schedule', () => {
  it('follows the Standard Webhooks recommendation: 7 retries over about 27.6 hours', () => {
    expect(STANDARD_WEBHOOK_RETRY_SCHEDULE_MS).toEqual([
      5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
    ]);
    const totalHours = STANDARD_WEBHOOK_RETRY_SCHEDULE_MS.reduce((a, b) => a + b, 0) / 3_600_000;
    expect(totalHours).toBeCloseTo(27.585, 2);
  });

  it('gives the delay after each failed attempt, and null once the schedule is used up', () => {
    const schedule = STANDARD_WEBHOOK_RETRY_SCHEDULE_MS;
    const delays = [1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => webhookRetryDelayMs(schedule, attempt, 0, 0.5));
    expect(delays).toEqual([...schedule, null]);
    expect(webhookRetryDelayMs(schedule, 0, 0, 0.5)).toBeNull();
    expect(webhookRetryDelayMs([], 1, 0, 0.5)).toBeNull();
  });

  it('spreads each delay by at most ±jitter', () => {
    expect(webhookRetryDelayMs([10_000], 1, 0.2, 0)).toBe(8_000);
    expect(webhookRetryDelayMs([10_000], 1, 0.2, 0.5)).toBe(10_000);
    expect(webhookRetryDelayMs([10_000], 1, 0.2, 0.999_999)).toBe(12_000);
    // Out-of-range inputs are clamped: never negative, never more than double.
    expect(webhookRetryDelayMs([10_000], 1, 5, 0)).toBe(0);
    expect(webhookRetryDelayMs([10_000], 1, 5, 1)).toBe(20_000);
  });
});

describe('webhookEventTypeFor', () => {
  it('names the event of each terminal status and nothing for the others', () => {
    expect(webhookEventTypeFor('completed')).toBe('job.completed');
    expect(webhookEventTypeFor('failed')).toBe('job.failed');
    expect(webhookEventTypeFor('cancelled')).toBe('job.cancelled');
    expect(webhookEventTypeFor('queued')).toBeNull();
    expect(webhookEventTypeFor('processing')).toBeNull();
  });
});
