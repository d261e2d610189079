import { splitSentences } from './storyboard.js';
/** Passage sizes in characters: passages are packed up to `maxChars`, aiming at `minChars` or more. */
export const PASSAGE_RULES = { minChars: 300, maxChars: 600 };
/** Cuts an over-long sentence between words into pieces of at most `max` characters. */
function cutAtWords(sentence, max) {
    const pieces = [];
    let rest = sentence;
    while (rest.length > max) {
        let cut = rest.lastIndexOf(' ', max);
        if (cut <= 0)
            cut = max;
        pieces.push(rest.slice(0, cut).trim());
        rest = rest.slice(cut).trim();
    }
    if (rest)
        pieces.push(rest);
    return pieces;
}
/** Packs `units` greedily into pieces of at most `max` characters, joined by a space. */
function pack(units, max, enough) {
    const out = [];
    let current = '';
    for (const unit of units) {
        if (current === '')
            current = unit;
        else if (current.length < enough && current.length + 1 + unit.length <= max)
            current = `${current} ${unit}`;
        else {
            out.push(current);
            current = unit;
        }
    }
    if (current !== '')
        out.push(current);
    return out;
}
/**
 * Splits a document's text into passages for retrieval: paragraphs (blank-line separated) are kept
 * whole when they fit, short neighbours are joined until a passage reaches `minChars`, and a
 * paragraph longer than `maxChars` is split on sentence boundaries (an over-long sentence between
 * words). Whitespace inside a passage is collapsed; a short last passage joins the one before
 * when both fit in `maxChars`.
 *
 * @returns passages of at most `maxChars` characters, in document order.
 */
export function splitPassages(text, rules = PASSAGE_RULES) {
    const paragraphs = text
        .replace(/\r\n?/g, '\n')
        .split(/\n[ \t]*\n+/)
        .map((p) => p.replace(/\s+/g, ' ').trim())
        .filter((p) => p.length > 0);
    const units = [];
    for (const paragraph of paragraphs) {
        if (paragraph.length <= rules.maxChars)
            units.push(paragraph);
        else {
            const sentences = splitSentences(paragraph).flatMap((s) => cutAtWords(s, rules.maxChars));
            // Inside a long paragraph, fill passages up to the maximum.
            units.push(...pack(sentences, rules.maxChars, rules.maxChars));
        }
    }
    const passages = pack(units, rules.maxChars, rules.minChars);
    const last = passages.at(-1);
    const before = passages.at(-2);
    if (last !== undefined &&
        before !== undefined &&
        last.length < rules.minChars &&
        before.length + 1 + last.length <= rules.maxChars) {
        passages.splice(-2, 2, `${before} ${last}`);
    }
    return passages;
}
//# sourceMappingURL=passages.js.map