import { describe, expect, it } from 'vitest';
import {
  buildSubtitleCues,
  escapeVttText,
  formatVttTimestamp,
  formatWebVtt,
  splitCueText,
  wrapCueLines,
} from '../../../src/adapters/ffmpeg/webvtt.js';

describe('formatVttTimestamp', () => {
  it('writes HH:MM:SS.mmm, rounded to the millisecond', () => {
    expect(formatVttTimestamp(0)).toBe('00:00:00.000');
    expect(formatVttTimestamp(1.5)).toBe('00:00:01.500');
    expect(formatVttTimestamp(61.0004)).toBe('00:01:01.000');
    expect(formatVttTimestamp(59.9996)).toBe('00:01:00.000');
    expect(formatVttTimestamp(3723.25)).toBe('01:02:03.250');
    expect(formatVttTimestamp(-2)).toBe('00:00:00.000');
  });
});

describe('formatWebVtt', () => {
  it('writes the header and numbered, escaped cues', () => {
    const vtt = formatWebVtt([
      { startSeconds: 0.35, endSeconds: 2, text: 'Hello <world> & you' },
      { startSeconds: 2, endSeconds: 4.5, text: 'line one\nline two' },
    ]);
    expect(vtt).toBe(
      'WEBVTT\n\n1\n00:00:00.350 --> 00:00:02.000\nHello &lt;world&gt; &amp; you\n\n' +
        '2\n00:00:02.000 --> 00:00:04.500\nline one\nline two\n',
    );
  });

  it('escapes arrows in text', () => {
    expect(escapeVttText('a --> b')).toBe('a --&gt; b');
  });
});

describe('cue text', () => {
  it('splits long text into cue-sized pieces at word boundaries without a tiny remainder', () => {
    const text = 'word '.repeat(40).trim();
    const pieces = splitCueText(text, 84);
    expect(pieces.every((p) => p.length <= 84)).toBe(true);
    expect(pieces.join(' ')).toBe(text);
    expect(Math.min(...pieces.map((p) => p.length))).toBeGreaterThan(84 / 3);
  });

  it('wraps a cue into two balanced lines', () => {
    expect(wrapCueLines('short')).toBe('short');
    const wrapped = wrapCueLines('the square of the hypotenuse equals the sum of the squares');
    const [a, b] = wrapped.split('\n');
    expect(Math.abs(a!.length - b!.length)).toBeLessThan(10);
  });
});

describe('buildSubtitleCues', () => {
  it('shares each window among its sentences by length, back to back, inside the window', () => {
    const cues = buildSubtitleCues([
      { text: 'Title.', startSeconds: 0.35, endSeconds: 2 },
      {
        text: 'First sentence here. Second one, a bit longer than the first.',
        startSeconds: 3,
        endSeconds: 9,
      },
      { text: '', startSeconds: 9, endSeconds: 12 },
    ]);
    expect(cues.map((c) => c.text)).toEqual([
      'Title.',
      'First sentence here.',
      'Second one, a bit longer than the first.',
    ]);
    expect(cues[0]).toMatchObject({ startSeconds: 0.35, endSeconds: 2 });
    expect(cues[1]!.startSeconds).toBe(3);
    expect(cues[1]!.endSeconds).toBe(cues[2]!.startSeconds);
    expect(cues[2]!.endSeconds).toBe(9);
    expect(cues[1]!.endSeconds - 3).toBeLessThan(9 - cues[2]!.startSeconds);
  });
});
