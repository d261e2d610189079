import { randomFillSync } from 'node:crypto';
/** 42 counter bits: 12 in `rand_a`, 30 at the top of `rand_b`. */
const COUNTER_BITS = 42;
const COUNTER_MAX = 2 ** COUNTER_BITS - 1;
/** A fresh counter starts below 2^41, leaving at least 2^41 increments within one millisecond. */
const COUNTER_SEED_LIMIT = 2 ** (COUNTER_BITS - 1);
const LOW_30 = 2 ** 30;
const MAX_TIMESTAMP = 2 ** 48 - 1;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
/**
 * UUID version 7 (RFC 9562 §5.7), monotonic within this generator (RFC 9562 §6.2, method 1):
 *
 * ```
 *  48 bits unix_ts_ms | 4 bits ver=0111 | 12 bits counter (high) |
 *   2 bits var=10 | 30 bits counter (low) | 32 bits random
 * ```
 *
 * The 42-bit counter is seeded randomly (below 2^41) at each new millisecond and incremented for
 * every id within the same millisecond, so ids are strictly increasing as strings and as bytes.
 * If the clock goes backwards, the last timestamp is kept and the counter keeps counting; if the
 * counter overflows, the timestamp is advanced by 1 ms (RFC 9562 §6.2). Ordering holds within one
 * generator (use one per process); across processes ids are ordered by millisecond only.
 * 74 bits are random per id (32 fresh plus the seeded counter), which keeps collisions negligible.
 */
export class UuidV7IdGenerator {
    nowMs;
    fillRandom;
    random = new Uint8Array(10);
    lastMs = -1;
    counter = 0;
    constructor(options = {}) {
        const { clock } = options;
        this.nowMs = clock === undefined ? Date.now : () => clock.now().getTime();
        this.fillRandom = options.fillRandom ?? ((bytes) => void randomFillSync(bytes));
    }
    /**
     * The next id, lowercase `xxxxxxxx-xxxx-7xxx-[89ab]xxx-xxxxxxxxxxxx`, greater than every id this
     * generator returned before.
     * @throws RangeError when the clock is before 1970 or past the 48-bit millisecond range (year 10889).
     */
    next() {
        const now = this.nowMs();
        if (!Number.isSafeInteger(now) || now < 0 || now > MAX_TIMESTAMP) {
            throw new RangeError(`UUID v7 needs a unix time in ms within 0..2^48-1, got ${now}`);
        }
        this.fillRandom(this.random);
        if (now > this.lastMs) {
            this.lastMs = now;
            this.counter = this.seedCounter();
        }
        else if (this.counter < COUNTER_MAX) {
            this.counter += 1;
        }
        else {
            this.lastMs += 1; // borrow from the next millisecond rather than repeat or go backwards
            this.counter = this.seedCounter();
        }
        return this.format(this.lastMs, this.counter);
    }
    /** 41 random bits from the first 6 random bytes (the last 4 are the id's random tail). */
    seedCounter() {
        const r = this.random;
        const high = ((r[0] << 8) | r[1]) & 0x1ff; // 9 bits
        const low = ((r[2] << 24) >>> 0) + (r[3] << 16) + (r[4] << 8) + r[5]; // 32 bits
        return (high * 2 ** 32 + low) % COUNTER_SEED_LIMIT;
    }
    format(ms, counter) {
        const r = this.random;
        const high12 = Math.floor(counter / LOW_30); // counter bits 41..30
        const low30 = counter % LOW_30; // counter bits 29..0
        const bytes = [
            Math.floor(ms / 2 ** 40) & 0xff,
            Math.floor(ms / 2 ** 32) & 0xff,
            (ms >>> 24) & 0xff,
            (ms >>> 16) & 0xff,
            (ms >>> 8) & 0xff,
            ms & 0xff,
            0x70 | (high12 >>> 8),
            high12 & 0xff,
            0x80 | (low30 >>> 24),
            (low30 >>> 16) & 0xff,
            (low30 >>> 8) & 0xff,
            low30 & 0xff,
            r[6],
            r[7],
            r[8],
            r[9],
        ];
        const h = bytes.map((b) => HEX[b]);
        return `${h[0]}${h[1]}${h[2]}${h[3]}-${h[4]}${h[5]}-${h[6]}${h[7]}-${h[8]}${h[9]}-${h.slice(10).join('')}`;
    }
}
//# sourceMappingURL=uuid-v7-id-generator.js.map