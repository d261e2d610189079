/**
 * Breaks `text` into lines no wider than `maxWidth` pixels, at spaces; explicit line breaks are
 * kept, runs of whitespace collapse, and a word wider than a line is broken between characters.
 *
 * @param text the text to wrap (any length)
 * @param maxWidth the line width in pixels (> 0)
 * @param measure the width in pixels of a string at the font being laid out
 * @returns the lines, without trailing spaces; `[]` for blank text
 */
export function wrapText(text, maxWidth, measure) {
    const lines = [];
    for (const paragraph of text.split(/\r?\n/)) {
        let line = '';
        for (const word of paragraph.split(/\s+/).filter((w) => w.length > 0)) {
            const candidate = line ? `${line} ${word}` : word;
            if (measure(candidate) <= maxWidth) {
                line = candidate;
                continue;
            }
            if (line)
                lines.push(line);
            if (measure(word) <= maxWidth) {
                line = word;
                continue;
            }
            const pieces = breakWord(word, maxWidth, measure);
            lines.push(...pieces.slice(0, -1));
            line = pieces.at(-1) ?? '';
        }
        if (line)
            lines.push(line);
    }
    return lines;
}
/** Splits one word into pieces no wider than `maxWidth` (at least one character per piece). */
function breakWord(word, maxWidth, measure) {
    const pieces = [];
    let piece = '';
    for (const char of Array.from(word)) {
        if (piece && measure(piece + char) > maxWidth) {
            pieces.push(piece);
            piece = char;
        }
        else {
            piece += char;
        }
    }
    if (piece)
        pieces.push(piece);
    return pieces;
}
/**
 * Chooses the largest font size (stepping down by ~6% from `maxSize` to `minSize`) at which every
 * paragraph, word-wrapped to the width, fits the box without breaking a word (words are broken
 * only at the minimum size). When even `minSize` does not fit, the
 * lines that fit are kept and the last ends with an ellipsis, so text never overflows the box.
 *
 * @param paragraphs blocks of running text (bullets, or a single body)
 * @param options the box and size range
 */
export function fitParagraphs(paragraphs, options) {
    const gap = options.paragraphGap ?? 0;
    const maxLines = options.maxLines ?? Number.POSITIVE_INFINITY;
    let size = Math.max(options.minSize, options.maxSize);
    for (;;) {
        const laid = layoutAt(paragraphs, size, options, gap);
        const fitsBox = laid.text.height <= options.maxHeight && laid.lineCount <= maxLines;
        if (fitsBox && !laid.brokeWord)
            return { ...laid.text, truncated: false };
        if (size <= options.minSize)
            return fitsBox ? { ...laid.text, truncated: false } : truncate(laid.text, options, gap, maxLines);
        size = Math.max(options.minSize, Math.floor(size * 0.94));
    }
}
function widthAt(options, size) {
    return typeof options.maxWidth === 'number' ? options.maxWidth : options.maxWidth(size);
}
function layoutAt(paragraphs, size, options, gap) {
    const measure = options.measureAt(size);
    const width = widthAt(options, size);
    const brokeWord = paragraphs.some((p) => p.split(/\s+/).some((word) => measure(word) > width));
    const wrapped = paragraphs.map((p) => wrapText(p, width, measure)).filter((lines) => lines.length > 0);
    const lineHeightPx = size * options.lineHeight;
    const lineCount = wrapped.reduce((n, lines) => n + lines.length, 0);
    const height = blockHeight(wrapped, lineHeightPx, gap);
    return { text: { fontSize: size, lineHeightPx, paragraphs: wrapped, height }, lineCount, brokeWord };
}
function blockHeight(paragraphs, lineHeightPx, gap) {
    const lines = paragraphs.reduce((n, p) => n + p.length, 0);
    return lines * lineHeightPx + Math.max(0, paragraphs.length - 1) * gap * lineHeightPx;
}
/** Keeps the lines that fit at the minimum size; the last kept line ends with `…`. */
function truncate(text, options, gap, maxLines) {
    const measure = options.measureAt(text.fontSize);
    const width = widthAt(options, text.fontSize);
    const kept = [];
    let lines = 0;
    for (const paragraph of text.paragraphs) {
        const next = [];
        kept.push(next);
        for (const line of paragraph) {
            const height = blockHeight(kept, text.lineHeightPx, gap) + text.lineHeightPx;
            if (height > options.maxHeight + 0.01 || lines + 1 > maxLines)
                break;
            next.push(line);
            lines += 1;
        }
        if (next.length < paragraph.length)
            break;
    }
    const nonEmpty = kept.filter((p) => p.length > 0);
    const last = nonEmpty.at(-1);
    if (last && last.length > 0)
        last[last.length - 1] = withEllipsis(last.at(-1) ?? '', width, measure);
    return {
        fontSize: text.fontSize,
        lineHeightPx: text.lineHeightPx,
        paragraphs: nonEmpty,
        height: blockHeight(nonEmpty, text.lineHeightPx, gap),
        truncated: true,
    };
}
/** `line` shortened from the end until `line…` fits `maxWidth`. */
export function withEllipsis(line, maxWidth, measure) {
    const chars = Array.from(line.replace(/[\s.,;:…]+$/, ''));
    while (chars.length > 0 && measure(`${chars.join('')}…`) > maxWidth)
        chars.pop();
    return `${chars.join('').trimEnd()}…`;
}
//# sourceMappingURL=text-layout.js.map