import { describe, expect, it } from 'vitest';
import {
  fitParagraphs,
  withEllipsis,
  wrapText,
  type MeasureText,
} from '../../../src/adapters/ffmpeg/text-layout.js';

/** Every character is 10 px wide at size 10 (width scales with the size). */
const monoAt =
  (size: number): MeasureText =>
  (text) =>
    Array.from(text).length * size;
const mono = monoAt(10);

describe('wrapText', () => {
  it('breaks at spaces so no line is wider than the width', () => {
    const lines = wrapText('the quick brown fox jumps over the lazy dog', 100, mono);
    expect(lines).toEqual(['the quick', 'brown fox', 'jumps over', 'the lazy', 'dog']);
    expect(lines.every((l) => mono(l) <= 100)).toBe(true);
  });

  it('breaks a word longer than a line between characters', () => {
    expect(wrapText('a supercalifragilistic word', 50, mono)).toEqual([
      'a',
      'super',
      'calif',
      'ragil',
      'istic',
      'word',
    ]);
  });

  it('keeps explicit line breaks, collapses whitespace and ignores blank text', () => {
    expect(wrapText('one\ntwo   three', 200, mono)).toEqual(['one', 'two three']);
    expect(wrapText('   ', 100, mono)).toEqual([]);
  });

  it('puts at least one character on a line even when one character is too wide', () => {
    expect(wrapText('abc', 5, mono)).toEqual(['a', 'b', 'c']);
  });
});

describe('fitParagraphs', () => {
  const base = { maxWidth: 200, maxSize: 40, minSize: 10, lineHeight: 1.25, measureAt: monoAt };

  it('keeps the largest size when the text fits', () => {
    const fitted = fitParagraphs(['hello'], { ...base, maxHeight: 100 });
    expect(fitted).toMatchObject({ fontSize: 40, paragraphs: [['hello']], truncated: false });
    expect(fitted.height).toBe(50);
  });

  it('shrinks until the wrapped text fits the box', () => {
    const text = 'a fairly long sentence that needs several lines to fit in the box';
    const fitted = fitParagraphs([text], { ...base, maxHeight: 80 });
    expect(fitted.truncated).toBe(false);
    expect(fitted.fontSize).toBeLessThan(40);
    expect(fitted.height).toBeLessThanOrEqual(80);
    for (const line of fitted.paragraphs.flat())
      expect(monoAt(fitted.fontSize)(line)).toBeLessThanOrEqual(200);
    expect(fitted.paragraphs.flat().join(' ')).toBe(text);
  });

  it('honours maxLines and paragraph gaps', () => {
    const fitted = fitParagraphs(['one two three four five six'], { ...base, maxHeight: 1000, maxLines: 2 });
    expect(fitted.paragraphs.flat().length).toBeLessThanOrEqual(2);
    const bullets = fitParagraphs(['first', 'second'], { ...base, maxHeight: 1000, paragraphGap: 0.5 });
    expect(bullets.height).toBe(2.5 * bullets.lineHeightPx);
  });

  it('truncates with an ellipsis at the minimum size instead of overflowing', () => {
    const fitted = fitParagraphs(['word '.repeat(200)], { ...base, maxHeight: 30 });
    expect(fitted.truncated).toBe(true);
    expect(fitted.fontSize).toBe(10);
    expect(fitted.height).toBeLessThanOrEqual(30);
    expect(fitted.paragraphs.flat().at(-1)?.endsWith('…')).toBe(true);
    for (const line of fitted.paragraphs.flat()) expect(mono(line)).toBeLessThanOrEqual(200);
  });

  it('uses a size-dependent width for hanging indents', () => {
    const fitted = fitParagraphs(['abcdefghij'], {
      ...base,
      maxHeight: 1000,
      maxWidth: (size) => 200 - 10 * size,
    });
    expect(fitted.fontSize).toBeLessThan(40);
    for (const line of fitted.paragraphs.flat())
      expect(monoAt(fitted.fontSize)(line)).toBeLessThanOrEqual(200 - 10 * fitted.fontSize);
  });
});

describe('withEllipsis', () => {
  it('shortens a line until it and the ellipsis fit', () => {
    expect(withEllipsis('abcdefghij', 50, mono)).toBe('abcd…');
    expect(withEllipsis('ends with a period.', 1000, mono)).toBe('ends with a period…');
  });
});

describe('fitParagraphs with words wider than the box', () => {
  it('shrinks rather than break a word, and breaks it at the minimum size without an ellipsis', () => {
    const measureAt = monoAt;
    const shrunk = fitParagraphs(['tiny abcdefghijklmnop'], {
      maxWidth: 200,
      maxHeight: 1000,
      maxSize: 40,
      minSize: 5,
      lineHeight: 1.2,
      measureAt,
    });
    expect(shrunk.paragraphs.flat()).toContain('abcdefghijklmnop');
    const broken = fitParagraphs(['abcdefghijklmnopqrstuvwxyz'], {
      maxWidth: 100,
      maxHeight: 1000,
      maxSize: 40,
      minSize: 10,
      lineHeight: 1.2,
      measureAt,
    });
    expect(broken).toMatchObject({ fontSize: 10, truncated: false });
    expect(broken.paragraphs.flat().join('')).toBe('abcdefghijklmnopqrstuvwxyz');
  });
});
