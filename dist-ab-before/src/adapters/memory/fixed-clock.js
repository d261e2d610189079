/** The default start of a {@link FixedClock}: a round, recognisable instant. */
export const FIXED_CLOCK_START = '2026-01-01T00:00:00.000Z';
/**
 * A `Clock` that stands still until a test moves it, so assertions on times are exact.
 * `now()` returns a fresh `Date` each call (callers may mutate it safely).
 */
export class FixedClock {
    ms;
    /**
     * @param start the initial time, as a `Date` or an ISO 8601 string. Default {@link FIXED_CLOCK_START}.
     * @throws RangeError when `start` is not a valid time.
     */
    constructor(start = FIXED_CLOCK_START) {
        this.ms = toMs(start);
    }
    now() {
        return new Date(this.ms);
    }
    /**
     * Moves the clock to `time`; backwards is allowed (to test clock skew).
     * @throws RangeError when `time` is not a valid time.
     */
    set(time) {
        this.ms = toMs(time);
    }
    /**
     * Moves the clock forward (or backward, when negative) by `ms` milliseconds.
     * @returns the new time.
     * @throws RangeError when `ms` is not a finite number.
     */
    advance(ms) {
        if (!Number.isFinite(ms))
            throw new RangeError(`FixedClock.advance needs a finite number of ms, got ${ms}`);
        this.ms += ms;
        return this.now();
    }
}
function toMs(time) {
    const ms = (typeof time === 'string' ? new Date(time) : time).getTime();
    if (Number.isNaN(ms))
        throw new RangeError(`FixedClock: invalid time ${String(time)}`);
    return ms;
}
//# sourceMappingURL=fixed-clock.js.map