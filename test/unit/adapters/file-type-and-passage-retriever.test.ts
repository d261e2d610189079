import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { FileTypeMediaTypeDetector } from '../../../src/adapters/file-type/file-type-media-type-detector.js';
import { InMemoryObjectStorage } from '../../../src/adapters/memory/in-memory-object-storage.js';
import { InMemoryUploadRepository } from '../../../src/adapters/memory/in-memory-upload-repository.js';
import { Bm25PassageRetriever } from '../../../src/adapters/rag/bm25-passage-retriever.js';
import { extractPdfText } from '../../../src/adapters/rag/pdf-text.js';
import { TextCache } from '../../../src/adapters/rag/text-cache.js';
import type { Upload } from '../../../src/domain/upload.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../../fixtures/${name}`, import.meta.url));

describe('FileTypeMediaTypeDetector (magic bytes)', () => {
  const detector = new FileTypeMediaTypeDetector();

  it.each([
    ['pixel.png', 'image/png'],
    ['silence.wav', 'audio/wav'],
    ['hello.pdf', 'application/pdf'],
    ['archive.zip', 'application/zip'],
    ['program.exe', 'application/x-msdownload'],
  ])('recognises %s as %s', async (name, type) => {
    expect(await detector.detect(fixture(name))).toBe(type);
  });

  it('answers null for text, which has no magic number', async () => {
    expect(await detector.detect(fixture('notes.md'))).toBeNull();
    expect(await detector.detect(Buffer.from('plain words'))).toBeNull();
  });
});

describe('extractPdfText (unpdf)', () => {
  it('reads the text of a minimal PDF', async () => {
    expect(await extractPdfText(fixture('hello.pdf'))).toContain('Hello PDF');
  });

  it('throws on bytes that are not a readable PDF', async () => {
    await expect(extractPdfText(Buffer.from('%PDF-1.4 garbage'))).rejects.toThrow();
  });
});

describe('TextCache', () => {
  it('evicts the least recently used entry past the entry or character bound', () => {
    const cache = new TextCache({ maxEntries: 2, maxChars: 10 });
    cache.set('a', 'aaa');
    cache.set('b', 'bbb');
    expect(cache.get('a')).toBe('aaa'); // a is now the most recent
    cache.set('c', 'ccc');
    expect(cache.get('b')).toBeUndefined();
    expect(cache.size).toBe(2);
    cache.set('d', 'dddddddd'); // 3 + 8 chars > 10: evicts a, then c (oldest first)
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('d')).toBe('dddddddd');
    cache.set('huge', 'x'.repeat(11));
    expect(cache.get('huge')).toBeUndefined();
  });
});

const OWNER = 'user_alice';
const T0 = new Date('2026-01-01T00:00:00.000Z');

async function store(
  storage: InMemoryObjectStorage,
  uploads: InMemoryUploadRepository,
  id: string,
  bytes: Buffer,
  mediaType: string,
  overrides: Partial<Upload> = {},
): Promise<Upload> {
  const key = `test/${overrides.ownerId ?? OWNER}/uploads/${id}`;
  (await storage.putStream(key, Readable.from([bytes]), { contentType: mediaType }))._unsafeUnwrap();
  const upload: Upload = {
    id,
    ownerId: OWNER,
    storageKey: key,
    fileName: `${id}.bin`,
    mediaType,
    kind: 'document',
    sizeBytes: bytes.length,
    sha256: `${id.padEnd(64, '0')}`.slice(0, 64),
    purpose: null,
    versionId: null,
    createdAt: T0,
    ...overrides,
  };
  return (await uploads.insert(upload))._unsafeUnwrap();
}

const TIDES = [
  '# Notes',
  'Plants make sugar from light in their leaves; this is photosynthesis, and it needs water and carbon dioxide.',
  'Tides are caused by the Moon. Its gravity pulls the oceans, so the water rises and falls twice a day.',
  'Volcanoes form where magma reaches the surface of the crust.',
].join('\n\n');

describe('Bm25PassageRetriever', () => {
  const setup = () => {
    const storage = new InMemoryObjectStorage();
    const uploads = new InMemoryUploadRepository();
    let pdfCalls = 0;
    const retriever = new Bm25PassageRetriever({
      uploads,
      storage,
      extractPdfText: async (bytes) => {
        pdfCalls += 1;
        return extractPdfText(bytes);
      },
      cache: new TextCache({ maxEntries: 8, maxChars: 1_000_000 }),
    });
    return { storage, uploads, retriever, pdfCalls: () => pdfCalls };
  };

  it('returns the most relevant passages of text and PDF documents, best first', async () => {
    const s = setup();
    await store(s.storage, s.uploads, 'doc-md', Buffer.from(TIDES), 'text/markdown');
    await store(s.storage, s.uploads, 'doc-pdf', fixture('hello.pdf'), 'application/pdf');
    const tides = (
      await s.retriever.retrieve({
        ownerId: OWNER,
        uploadIds: ['doc-md', 'doc-pdf'],
        query: 'Why are there tides?',
        topK: 1,
      })
    )._unsafeUnwrap();
    expect(tides).toHaveLength(1);
    expect(tides[0]).toContain('Tides are caused by the Moon');
    const hello = (
      await s.retriever.retrieve({
        ownerId: OWNER,
        uploadIds: ['doc-md', 'doc-pdf'],
        query: 'hello pdf',
        topK: 3,
      })
    )._unsafeUnwrap();
    expect(hello).toEqual(['Hello PDF']);
  });

  it('extracts each document once (cached by SHA-256)', async () => {
    const s = setup();
    await store(s.storage, s.uploads, 'doc-pdf', fixture('hello.pdf'), 'application/pdf');
    for (let i = 0; i < 3; i += 1)
      (
        await s.retriever.retrieve({ ownerId: OWNER, uploadIds: ['doc-pdf'], query: 'hello', topK: 1 })
      )._unsafeUnwrap();
    expect(s.pdfCalls()).toBe(1);
  });

  it("fails permanently for a missing upload, another user's, or one that is not a document", async () => {
    const s = setup();
    await store(s.storage, s.uploads, 'theirs', Buffer.from(TIDES), 'text/markdown', { ownerId: 'user_bob' });
    await store(s.storage, s.uploads, 'img', fixture('pixel.png'), 'image/png', { kind: 'image' });
    for (const id of ['missing', 'theirs', 'img']) {
      const e = (
        await s.retriever.retrieve({ ownerId: OWNER, uploadIds: [id], query: 'tides', topK: 2 })
      )._unsafeUnwrapErr();
      expect(e).toMatchObject({ type: 'RetrievalFailed', uploadId: id, retryable: false });
    }
  });

  it('fails permanently when the stored file vanished or the PDF is corrupt', async () => {
    const s = setup();
    const md = await store(s.storage, s.uploads, 'doc-md', Buffer.from(TIDES), 'text/markdown');
    (await s.storage.delete(md.storageKey))._unsafeUnwrap();
    await store(s.storage, s.uploads, 'bad-pdf', Buffer.from('%PDF-1.4 broken'), 'application/pdf');
    expect(
      (
        await s.retriever.retrieve({ ownerId: OWNER, uploadIds: ['doc-md'], query: 't', topK: 1 })
      )._unsafeUnwrapErr(),
    ).toMatchObject({ uploadId: 'doc-md', retryable: false, message: expect.stringContaining('missing') });
    expect(
      (
        await s.retriever.retrieve({ ownerId: OWNER, uploadIds: ['bad-pdf'], query: 't', topK: 1 })
      )._unsafeUnwrapErr(),
    ).toMatchObject({
      uploadId: 'bad-pdf',
      retryable: false,
      message: expect.stringContaining('not a readable PDF'),
    });
  });

  it('passes on a storage outage as retryable when the store says so', async () => {
    const s = setup();
    await store(s.storage, s.uploads, 'doc-md', Buffer.from(TIDES), 'text/markdown');
    s.storage.simulateOutage({ type: 'StorageUnavailable', message: 'down', retryable: true });
    expect(
      (
        await s.retriever.retrieve({ ownerId: OWNER, uploadIds: ['doc-md'], query: 'tides', topK: 1 })
      )._unsafeUnwrapErr(),
    ).toMatchObject({ type: 'RetrievalFailed', retryable: true });
  });
});
