/**
 * Delay before attempt `attempt + 1` after `attempt` failed: exponential growth with
 * "equal jitter" (half fixed, half random), capped at `maxMs`.
 *
 * @param attempt the attempt that just failed (1-based)
 * @param random a number in [0, 1) from the caller's random source
 * @returns delay in milliseconds
 */
export function backoffDelayMs(policy, attempt, random) {
    const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
    return Math.round(exp / 2 + (exp / 2) * Math.min(Math.max(random, 0), 1));
}
//# sourceMappingURL=backoff.js.map