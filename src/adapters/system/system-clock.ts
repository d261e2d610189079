import type { Clock } from '../../ports/clock.js';

/** The `Clock` port on the system's wall clock. */
export class SystemClock implements Clock {
  /** A new `Date` for the current time (ms precision). */
  now(): Date {
    return new Date();
  }
}
