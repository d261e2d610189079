/** The `Clock` port on the system's wall clock. */
export class SystemClock {
    /** A new `Date` for the current time (ms precision). */
    now() {
        return new Date();
    }
}
//# sourceMappingURL=system-clock.js.map