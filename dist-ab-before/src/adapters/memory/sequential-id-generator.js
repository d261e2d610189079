const MAX_SEQUENCE = 2 ** 48 - 1;
/**
 * Deterministic ids for tests: `00000000-0000-7000-8000-000000000001`, `...002`, ... — UUID-shaped
 * (version 7 and variant bits set, so validators accept them), increasing as strings, and exact
 * enough to assert on. `peek()` tells the next one without using it.
 */
export class SequentialIdGenerator {
    sequence;
    /** @throws RangeError when `start` is not an integer in 0..2^48-1. */
    constructor(options = {}) {
        const start = options.start ?? 1;
        if (!Number.isSafeInteger(start) || start < 0 || start > MAX_SEQUENCE) {
            throw new RangeError(`SequentialIdGenerator start must be an integer in 0..2^48-1, got ${start}`);
        }
        this.sequence = start;
    }
    /** @throws RangeError after 2^48 ids. */
    next() {
        const id = this.peek();
        this.sequence += 1;
        return id;
    }
    /** The id `next()` will return, without consuming it. */
    peek() {
        if (this.sequence > MAX_SEQUENCE)
            throw new RangeError('SequentialIdGenerator exhausted');
        return `00000000-0000-7000-8000-${this.sequence.toString(16).padStart(12, '0')}`;
    }
}
//# sourceMappingURL=sequential-id-generator.js.map