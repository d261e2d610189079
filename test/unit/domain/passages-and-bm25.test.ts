import { describe, expect, it } from 'vitest';
import { rankBm25, tokenize } from '../../../src/domain/bm25.js';
import { PASSAGE_RULES, splitPassages } from '../../../src/domain/passages.js';

const sentence = (n: number): string => `Sentence number ${n} talks about the ocean and its long waves.`;

describe('splitPassages', () => {
  it('joins short paragraphs until about 300 characters, never past 600', () => {
    const paragraphs = Array.from({ length: 12 }, (_, i) => `${sentence(i)} ${sentence(i + 100)}`);
    const passages = splitPassages(paragraphs.join('\n\n'));
    expect(passages.length).toBeGreaterThan(1);
    for (const p of passages) expect(p.length).toBeLessThanOrEqual(PASSAGE_RULES.maxChars);
    for (const p of passages.slice(0, -1)) expect(p.length).toBeGreaterThanOrEqual(PASSAGE_RULES.minChars);
    // Nothing lost, nothing reordered.
    expect(passages.join(' ')).toBe(paragraphs.join(' '));
  });

  it('splits a long paragraph on sentence boundaries', () => {
    const paragraph = Array.from({ length: 30 }, (_, i) => sentence(i)).join(' ');
    const passages = splitPassages(paragraph);
    for (const p of passages) {
      expect(p.length).toBeLessThanOrEqual(600);
      expect(p).toMatch(/^Sentence number \d+/);
      expect(p).toMatch(/waves\.$/);
    }
    expect(passages.join(' ')).toBe(paragraph);
  });

  it('cuts a sentence longer than the maximum between words', () => {
    const long = Array.from({ length: 200 }, (_, i) => `word${i}`).join(' ');
    const passages = splitPassages(long);
    for (const p of passages) expect(p.length).toBeLessThanOrEqual(600);
    expect(passages.join(' ')).toBe(long);
  });

  it('keeps a short document whole, collapsing whitespace, and gives nothing for blank text', () => {
    expect(splitPassages('  # Title\r\n\r\nOne   line.\nTwo\tlines.  ')).toEqual([
      '# Title One line. Two lines.',
    ]);
    expect(splitPassages(' \n\n ')).toEqual([]);
  });
});

describe('BM25', () => {
  it('tokenises to lowercase terms without stop words', () => {
    expect(tokenize("The Pythagorean THEOREM: and it's the 2nd proof, Café!")).toEqual([
      'pythagorean',
      'theorem',
      's',
      '2nd',
      'proof',
      'café',
    ]);
  });

  it('ranks the passage about the query first and drops passages without any query term', () => {
    const docs = [
      'Photosynthesis turns light into sugar inside the leaves of plants.',
      'The Moon pulls on the oceans and makes the tides rise and fall twice a day.',
      'Spring tides happen at new and full moon, when Sun and Moon pull together.',
      'Volcanoes erupt when magma rises through the crust.',
    ];
    const hits = rankBm25(docs, 'Why do tides happen? The Moon.', 5);
    expect(hits.map((h) => h.index)).toEqual([2, 1]);
    expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
  });

  it('matches the textbook formula (k1 1.2, b 0.75) on a tiny corpus', () => {
    const docs = ['cat cat dog', 'dog bird'];
    // avgLen 2.5; cat: n=1 -> idf ln(1 + 1.5/1.5) = ln 2; doc0 tf 2, len 3.
    const norm = 1.2 * (1 - 0.75 + (0.75 * 3) / 2.5);
    const expected = Math.log(2) * ((2 * 2.2) / (2 + norm));
    const [hit] = rankBm25(docs, 'cat', 1);
    expect(hit?.index).toBe(0);
    expect(hit?.score).toBeCloseTo(expected, 10);
  });

  it('prefers the shorter document for the same term frequency, and keeps input order on ties', () => {
    expect(rankBm25(['tide ' + 'filler '.repeat(30), 'tide here'], 'tide', 2).map((h) => h.index)).toEqual([
      1, 0,
    ]);
    expect(rankBm25(['tide a', 'tide b'], 'tide', 2).map((h) => h.index)).toEqual([0, 1]);
  });

  it('returns at most topK and nothing for an empty query or corpus', () => {
    expect(rankBm25(['a tide', 'b tide', 'c tide'], 'tide', 2)).toHaveLength(2);
    expect(rankBm25(['a tide'], 'the of and', 3)).toEqual([]);
    expect(rankBm25([], 'tide', 3)).toEqual([]);
  });
});
