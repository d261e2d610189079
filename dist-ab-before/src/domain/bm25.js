/** Okapi BM25 parameters (term-frequency saturation and length normalisation). */
export const BM25_DEFAULTS = { k1: 1.2, b: 0.75 };
/** Common English words that carry no topic; they are not indexed or queried. */
const STOP_WORDS = new Set(('a an and are as at be been but by can did do does for from had has have he her his how i if in into is it ' +
    'its me my no not of on or our she so than that the their them then there these they this those to too us ' +
    'was we were what when where which while who why will with you your').split(' '));
/**
 * Terms of a text: lowercase runs of letters and digits (Unicode-aware), stop words removed.
 * "Pythagoras' Theorem, 2nd proof" -> `pythagoras`, `theorem`, `2nd`, `proof`.
 */
export function tokenize(text) {
    const words = text
        .normalize('NFKC')
        .toLowerCase()
        .match(/[\p{L}\p{N}]+/gu) ?? [];
    return words.filter((w) => !STOP_WORDS.has(w));
}
/**
 * Ranks `documents` against `query` with Okapi BM25: for each distinct query term t,
 * `idf(t) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len / avgLen))`, with the non-negative
 * `idf(t) = ln(1 + (N - n(t) + 0.5) / (n(t) + 0.5))`.
 *
 * @returns at most `topK` documents with a positive score, best first (ties keep input order).
 */
export function rankBm25(documents, query, topK, params = BM25_DEFAULTS) {
    const queryTerms = [...new Set(tokenize(query))];
    if (documents.length === 0 || queryTerms.length === 0 || topK <= 0)
        return [];
    const docs = documents.map((d) => {
        const terms = tokenize(d);
        const tf = new Map();
        for (const t of terms)
            tf.set(t, (tf.get(t) ?? 0) + 1);
        return { length: terms.length, tf };
    });
    const n = docs.length;
    const avgLength = docs.reduce((sum, d) => sum + d.length, 0) / n || 1;
    const idf = new Map();
    for (const term of queryTerms) {
        const containing = docs.filter((d) => d.tf.has(term)).length;
        idf.set(term, Math.log(1 + (n - containing + 0.5) / (containing + 0.5)));
    }
    const hits = docs.map((d, index) => {
        let score = 0;
        for (const term of queryTerms) {
            const tf = d.tf.get(term) ?? 0;
            if (tf === 0)
                continue;
            const norm = params.k1 * (1 - params.b + (params.b * d.length) / avgLength);
            score += (idf.get(term) ?? 0) * ((tf * (params.k1 + 1)) / (tf + norm));
        }
        return { index, score };
    });
    return hits
        .filter((h) => h.score > 0)
        .sort((a, b) => b.score - a.score || a.index - b.index)
        .slice(0, topK);
}
//# sourceMappingURL=bm25.js.map