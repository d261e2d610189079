/**
 * A small least-recently-used cache of extracted document text, keyed by the document's SHA-256
 * (so the same bytes uploaded twice share an entry), bounded by entry count and total characters.
 */
export class TextCache {
    limits;
    entries = new Map();
    chars = 0;
    constructor(limits = {
        maxEntries: 64,
        maxChars: 16 * 1024 * 1024,
    }) {
        this.limits = limits;
    }
    /** Entries held now. */
    get size() {
        return this.entries.size;
    }
    get(sha256) {
        const text = this.entries.get(sha256);
        if (text !== undefined) {
            this.entries.delete(sha256);
            this.entries.set(sha256, text);
        }
        return text;
    }
    /** Stores `text` (a text longer than `maxChars` is not cached), evicting the least recently used. */
    set(sha256, text) {
        if (text.length > this.limits.maxChars)
            return;
        const previous = this.entries.get(sha256);
        if (previous !== undefined) {
            this.entries.delete(sha256);
            this.chars -= previous.length;
        }
        this.entries.set(sha256, text);
        this.chars += text.length;
        for (const [key, value] of this.entries) {
            if (this.entries.size <= this.limits.maxEntries && this.chars <= this.limits.maxChars)
                break;
            this.entries.delete(key);
            this.chars -= value.length;
        }
    }
}
//# sourceMappingURL=text-cache.js.map