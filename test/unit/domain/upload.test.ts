import { describe, expect, it } from 'vitest';
import {
  sanitizeFileName,
  textMediaTypeFor,
  uploadIdsOf,
  uploadKindOf,
  uploadStorageKey,
  Utf8TextCheck,
} from '../../../src/domain/upload.js';
import { VideoSpec } from '../../../src/domain/video-spec.js';

describe('upload media types', () => {
  it('accepts images, audio, PDF and text, each with its kind', () => {
    expect(uploadKindOf('image/png')).toBe('image');
    expect(uploadKindOf('image/webp')).toBe('image');
    expect(uploadKindOf('audio/mpeg')).toBe('audio');
    expect(uploadKindOf('audio/x-m4a')).toBe('audio');
    expect(uploadKindOf('application/pdf')).toBe('document');
    expect(uploadKindOf('text/markdown')).toBe('document');
    expect(uploadKindOf('text/plain')).toBe('document');
  });

  it('refuses everything else', () => {
    for (const type of [
      'application/zip',
      'application/x-msdownload',
      'image/svg+xml',
      'video/mp4',
      'text/html',
    ])
      expect(uploadKindOf(type)).toBeNull();
  });

  it('names text types by extension only (.txt, .md, .markdown), case-insensitively', () => {
    expect(textMediaTypeFor('notes.TXT')).toBe('text/plain');
    expect(textMediaTypeFor('readme.md')).toBe('text/markdown');
    expect(textMediaTypeFor('guide.Markdown')).toBe('text/markdown');
    expect(textMediaTypeFor('page.html')).toBeNull();
    expect(textMediaTypeFor('md')).toBeNull();
  });
});

describe('sanitizeFileName', () => {
  it('keeps the last path segment without control characters, quotes or backslashes', () => {
    expect(sanitizeFileName('../../etc/passwd')).toBe('passwd');
    expect(sanitizeFileName('C:\\Users\\me\\logo.png')).toBe('logo.png');
    expect(sanitizeFileName('a"b\u0000c\nd.png')).toBe('abcd.png');
    expect(sanitizeFileName('résumé.pdf')).toBe('résumé.pdf');
  });

  it('falls back to "upload" and caps the length at 255', () => {
    expect(sanitizeFileName('')).toBe('upload');
    expect(sanitizeFileName('..')).toBe('upload');
    expect(sanitizeFileName(`${'x'.repeat(300)}.txt`)).toHaveLength(255);
  });
});

describe('Utf8TextCheck', () => {
  it('accepts UTF-8 split anywhere across chunks', () => {
    const bytes = Buffer.from('Ünïcödé ✓ text 🎬', 'utf8');
    const check = new Utf8TextCheck();
    for (let i = 0; i < bytes.length; i += 3) expect(check.push(bytes.subarray(i, i + 3))).toBe(true);
    expect(check.end()).toBe(true);
    expect(check.problem).toBeNull();
  });

  it('refuses NUL bytes', () => {
    const check = new Utf8TextCheck();
    expect(check.push(Buffer.from('fine'))).toBe(true);
    expect(check.push(Buffer.from([0x61, 0x00, 0x62]))).toBe(false);
    expect(check.end()).toBe(false);
    expect(check.problem).toBe('contains NUL bytes');
  });

  it('refuses invalid UTF-8, and a multi-byte sequence cut off at the end', () => {
    const invalid = new Utf8TextCheck();
    expect(invalid.push(Buffer.from([0x68, 0xff, 0x69]))).toBe(false);
    expect(invalid.problem).toBe('is not valid UTF-8');
    const truncated = new Utf8TextCheck();
    expect(truncated.push(Buffer.from([0x68, 0xe2, 0x9c]))).toBe(true);
    expect(truncated.end()).toBe(false);
  });
});

describe('upload references', () => {
  it('lists every upload a spec names, once', () => {
    const spec = VideoSpec.create({
      topic: 'T',
      useRag: true,
      rag: { sourceUploadIds: ['d1', 'd2'] },
      assets: { logoUploadId: 'i1', musicUploadId: 'd1' },
    })._unsafeUnwrap();
    expect(uploadIdsOf(spec)).toEqual(['d1', 'd2', 'i1']);
    expect(uploadIdsOf(VideoSpec.create({ topic: 'T' })._unsafeUnwrap())).toEqual([]);
  });

  it('keys objects as {prefix}/{ownerId}/uploads/{uploadId}', () => {
    expect(uploadStorageKey('test', 'user_1', 'u1')).toBe('test/user_1/uploads/u1');
  });
});
