/** Advance width in pixels of `text` set in the current font. */
export type MeasureText = (text: string) => number;

/**
 * Breaks `text` into lines no wider than `maxWidth` pixels, at spaces; explicit line breaks are
 * kept, runs of whitespace collapse, and a word wider than a line is broken between characters.
 *
 * @param text the text to wrap (any length)
 * @param maxWidth the line width in pixels (> 0)
 * @param measure the width in pixels of a string at the font being laid out
 * @returns the lines, without trailing spaces; `[]` for blank text
 */
export function wrapText(text: string, maxWidth: number, measure: MeasureText): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split(/\r?\n/)) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter((w) => w.length > 0)) {
      const candidate = line ? `${line} ${word}` : word;
      if (measure(candidate) <= maxWidth) {
        line = candidate;
        continue;
      }
      if (line) lines.push(line);
      if (measure(word) <= maxWidth) {
        line = word;
        continue;
      }
      const pieces = breakWord(word, maxWidth, measure);
      lines.push(...pieces.slice(0, -1));
      line = pieces.at(-1) ?? '';
    }
    if (line) lines.push(line);
  }
  return lines;
}

/** Splits one word into pieces no wider than `maxWidth` (at least one character per piece). */
function breakWord(word: string, maxWidth: number, measure: MeasureText): string[] {
  const pieces: string[] = [];
  let piece = '';
  for (const char of Array.from(word)) {
    if (piece && measure(piece + char) > maxWidth) {
      pieces.push(piece);
      piece = char;
    } else {
      piece += char;
    }
  }
  if (piece) pieces.push(piece);
  return pieces;
}

/** Where and how large a block of paragraphs may be set. Sizes in pixels. */
export interface FitOptions {
  /** Line width in pixels, or a function of the font size (for hanging indents that scale). */
  readonly maxWidth: number | ((fontSize: number) => number);
  /** Height of the box in pixels. */
  readonly maxHeight: number;
  /** Largest font size tried, in pixels. */
  readonly maxSize: number;
  /** Smallest font size; below it, lines that do not fit are dropped and the last one ends in `…`. */
  readonly minSize: number;
  /** Line height as a multiple of the font size, e.g. 1.3. */
  readonly lineHeight: number;
  /** Extra space between paragraphs, in lines (e.g. 0.5). Default 0. */
  readonly paragraphGap?: number;
  /** Most lines allowed in total (e.g. 2 for a heading). Default unlimited. */
  readonly maxLines?: number;
  /** A measure function for a font size in pixels. */
  readonly measureAt: (fontSize: number) => MeasureText;
}

/** The laid-out block: font size (px), line height (px), lines per paragraph and total height (px). */
export interface FittedText {
  readonly fontSize: number;
  readonly lineHeightPx: number;
  readonly paragraphs: readonly (readonly string[])[];
  readonly height: number;
  /** True when text was cut (even the minimum size did not fit). */
  readonly truncated: boolean;
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
export function fitParagraphs(paragraphs: readonly string[], options: FitOptions): FittedText {
  const gap = options.paragraphGap ?? 0;
  const maxLines = options.maxLines ?? Number.POSITIVE_INFINITY;
  let size = Math.max(options.minSize, options.maxSize);
  for (;;) {
    const laid = layoutAt(paragraphs, size, options, gap);
    const fitsBox = laid.text.height <= options.maxHeight && laid.lineCount <= maxLines;
    if (fitsBox && !laid.brokeWord) return { ...laid.text, truncated: false };
    if (size <= options.minSize)
      return fitsBox ? { ...laid.text, truncated: false } : truncate(laid.text, options, gap, maxLines);
    size = Math.max(options.minSize, Math.floor(size * 0.94));
  }
}

function widthAt(options: FitOptions, size: number): number {
  return typeof options.maxWidth === 'number' ? options.maxWidth : options.maxWidth(size);
}

function layoutAt(
  paragraphs: readonly string[],
  size: number,
  options: FitOptions,
  gap: number,
): { text: Omit<FittedText, 'truncated'>; lineCount: number; brokeWord: boolean } {
  const measure = options.measureAt(size);
  const width = widthAt(options, size);
  const brokeWord = paragraphs.some((p) => p.split(/\s+/).some((word) => measure(word) > width));
  const wrapped = paragraphs.map((p) => wrapText(p, width, measure)).filter((lines) => lines.length > 0);
  const lineHeightPx = size * options.lineHeight;
  const lineCount = wrapped.reduce((n, lines) => n + lines.length, 0);
  const height = blockHeight(wrapped, lineHeightPx, gap);
  return { text: { fontSize: size, lineHeightPx, paragraphs: wrapped, height }, lineCount, brokeWord };
}

function blockHeight(paragraphs: readonly (readonly string[])[], lineHeightPx: number, gap: number): number {
  const lines = paragraphs.reduce((n, p) => n + p.length, 0);
  return lines * lineHeightPx + Math.max(0, paragraphs.length - 1) * gap * lineHeightPx;
}

/** Keeps the lines that fit at the minimum size; the last kept line ends with `…`. */
function truncate(
  text: Omit<FittedText, 'truncated'>,
  options: FitOptions,
  gap: number,
  maxLines: number,
): FittedText {
  const measure = options.measureAt(text.fontSize);
  const width = widthAt(options, text.fontSize);
  const kept: string[][] = [];
  let lines = 0;
  for (const paragraph of text.paragraphs) {
    const next: string[] = [];
    kept.push(next);
    for (const line of paragraph) {
      const height = blockHeight(kept, text.lineHeightPx, gap) + text.lineHeightPx;
      if (height > options.maxHeight + 0.01 || lines + 1 > maxLines) break;
      next.push(line);
      lines += 1;
    }
    if (next.length < paragraph.length) break;
  }
  const nonEmpty = kept.filter((p) => p.length > 0);
  const last = nonEmpty.at(-1);
  if (last && last.length > 0) last[last.length - 1] = withEllipsis(last.at(-1) ?? '', width, measure);
  return {
    fontSize: text.fontSize,
    lineHeightPx: text.lineHeightPx,
    paragraphs: nonEmpty,
    height: blockHeight(nonEmpty, text.lineHeightPx, gap),
    truncated: true,
  };
}

/** `line` shortened from the end until `line…` fits `maxWidth`. */
export function withEllipsis(line: string, maxWidth: number, measure: MeasureText): string {
  const chars = Array.from(line.replace(/[\s.,;:…]+$/, ''));
  while (chars.length > 0 && measure(`${chars.join('')}…`) > maxWidth) chars.pop();
  return `${chars.join('').trimEnd()}…`;
}
