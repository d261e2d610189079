/** The events a job's `callbackUrl` receives, one per terminal status. */
export const WEBHOOK_EVENT_TYPES = ['job.completed', 'job.failed', 'job.cancelled'];
export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'failed'];
/** The webhook event type of a terminal status; `null` for `queued` and `processing`. */
export function webhookEventTypeFor(status) {
    switch (status) {
        case 'completed':
            return 'job.completed';
        case 'failed':
            return 'job.failed';
        case 'cancelled':
            return 'job.cancelled';
        default:
            return null;
    }
}
/**
 * The Standard Webhooks recommended retry schedule after the first (immediate) attempt, in ms:
 * 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h — eight attempts over about 27.6 hours.
 */
export const STANDARD_WEBHOOK_RETRY_SCHEDULE_MS = [
    5_000,
    5 * 60_000,
    30 * 60_000,
    2 * 3_600_000,
    5 * 3_600_000,
    10 * 3_600_000,
    10 * 3_600_000,
];
/**
 * Delay before the next attempt after attempt `attempt` (1-based) failed, or `null` when the
 * schedule is used up (the delivery fails). `jitter` spreads the delay uniformly by ±`jitter`
 * (a fraction, e.g. 0.2 for ±20 %) so that receivers recovering from an outage are not hit in step.
 *
 * @param schedule delays in ms: `schedule[0]` after the first attempt, and so on
 * @param random a number in [0, 1) from the caller's random source
 * @returns delay in ms (never negative), or `null`
 */
export function webhookRetryDelayMs(schedule, attempt, jitter, random) {
    const base = schedule[attempt - 1];
    if (base === undefined || attempt < 1)
        return null;
    const spread = Math.min(Math.max(jitter, 0), 1) * (2 * Math.min(Math.max(random, 0), 1) - 1);
    return Math.max(0, Math.round(base * (1 + spread)));
}
//# sourceMappingURL=webhook-delivery.js.map