import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { FileTypeMediaTypeDetector } from '../../../src/adapters/file-type/file-type-media-type-detector.js';
import { InMemoryUploadRepository } from '../../../src/adapters/memory/in-memory-upload-repository.js';
import { DeleteUpload } from '../../../src/application/delete-upload.js';
import { DownloadUpload } from '../../../src/application/download-upload.js';
import { ListUploads } from '../../../src/application/list-uploads.js';
import { UploadContent, type UploadContentInput } from '../../../src/application/upload-content.js';
import type { StorageUnavailable } from '../../../src/ports/errors.js';
import type { PutObjectOptions, StoredObjectInfo } from '../../../src/ports/object-storage.js';
import type { ResultAsync } from 'neverthrow';
import {
  ALICE,
  BOB,
  createApplicationFixture,
  DelegatingObjectStorage,
  readAll,
  seqId,
  T0,
  type ApplicationFixture,
} from '../../support/application-fixture.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../../fixtures/${name}`, import.meta.url));
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** Yields `bytes` in chunks of `size`, recording how many chunks were pulled. */
function chunks(bytes: Buffer, size: number, log: string[] = []): AsyncIterable<Uint8Array> {
  return (async function* () {
    for (let i = 0, n = 0; i < bytes.length; i += size, n += 1) {
      log.push(`produced ${n}`);
      yield bytes.subarray(i, i + size);
    }
  })();
}

/** Storage that logs each chunk it reads from a put stream. */
class LoggingStorage extends DelegatingObjectStorage {
  constructor(
    inner: DelegatingObjectStorage['inner'],
    private readonly log: string[],
  ) {
    super(inner);
  }
  override putStream(
    key: string,
    body: Readable,
    options: PutObjectOptions,
  ): ResultAsync<StoredObjectInfo, StorageUnavailable> {
    const log = this.log;
    let n = 0;
    const observed = (async function* () {
      for await (const chunk of body) {
        log.push(`stored ${n++}`);
        yield chunk as Buffer;
      }
    })();
    return super.putStream(key, observed as unknown as Readable, options);
  }
}

function setup(maxBytes = 64 * 1024, log: string[] = []) {
  const f = createApplicationFixture();
  const uploads = new InMemoryUploadRepository();
  const storage = new LoggingStorage(f.storage, log);
  const useCase = new UploadContent({
    uploads,
    storage,
    detector: new FileTypeMediaTypeDetector(),
    clock: f.clock,
    ids: f.ids,
    logger: f.logger,
    settings: { maxBytes, storagePrefix: 'test' },
  });
  const upload = (input: Partial<UploadContentInput> & { body: AsyncIterable<Uint8Array> }) =>
    useCase.execute({ ownerId: ALICE, fileName: 'file.bin', ...input });
  return { f, uploads, upload };
}

async function nothingStored(s: { f: ApplicationFixture; uploads: InMemoryUploadRepository }): Promise<void> {
  expect(await s.f.storedKeys()).toEqual([]);
  const page = (await s.uploads.list({ ownerId: ALICE, limit: 100 }))._unsafeUnwrap();
  expect(page.items).toEqual([]);
}

describe('UploadContent', () => {
  it('stores a PNG with its detected type, size and SHA-256 under {prefix}/{owner}/uploads/{id}', async () => {
    const s = setup();
    const png = fixture('pixel.png');
    const upload = (
      await s.upload({ fileName: 'logo.jpg', purpose: 'logo', body: chunks(png, 7) })
    )._unsafeUnwrap();
    expect(upload).toEqual({
      id: seqId(1),
      ownerId: ALICE,
      storageKey: `test/${ALICE}/uploads/${seqId(1)}`,
      fileName: 'logo.jpg',
      mediaType: 'image/png',
      kind: 'image',
      sizeBytes: png.length,
      sha256: sha256(png),
      purpose: 'logo',
      versionId: null,
      createdAt: T0,
    });
    expect(await s.f.readObject(upload.storageKey)).toEqual(png);
    expect((await s.uploads.findById(upload.id))._unsafeUnwrap()).toEqual(upload);
  });

  it('streams: storage reads the first chunks before the last ones are produced', async () => {
    const log: string[] = [];
    const s = setup(1024 * 1024, log);
    const body = Buffer.concat([Buffer.from('# Big notes\n\n'), Buffer.alloc(200_000, 'a')]);
    (await s.upload({ fileName: 'big.md', body: chunks(body, 10_000, log) }))._unsafeUnwrap();
    expect(log.indexOf('stored 0')).toBeLessThan(log.indexOf('produced 10'));
  });

  it('accepts UTF-8 Markdown and text by file name, stored with a charset', async () => {
    const s = setup();
    const md = fixture('notes.md');
    const upload = (await s.upload({ fileName: 'notes.md', body: chunks(md, 5) }))._unsafeUnwrap();
    expect(upload).toMatchObject({ mediaType: 'text/markdown', kind: 'document', sha256: sha256(md) });
    expect((await s.f.storage.head(upload.storageKey))._unsafeUnwrap().contentType).toBe(
      'text/markdown; charset=utf-8',
    );
    const txt = (
      await s.upload({ fileName: 'a.txt', body: chunks(Buffer.from('héllo'), 2) })
    )._unsafeUnwrap();
    expect(txt.mediaType).toBe('text/plain');
  });

  it('refuses a file over the limit (413) and leaves nothing stored, even past the sniffed head', async () => {
    const s = setup(10_000);
    const body = Buffer.concat([Buffer.from('notes\n'), Buffer.alloc(20_000, 'x')]);
    const e = (await s.upload({ fileName: 'big.txt', body: chunks(body, 1000) }))._unsafeUnwrapErr();
    expect(e).toEqual({ type: 'UploadTooLarge', maxBytes: 10_000 });
    await nothingStored(s);
    const small = setup(10);
    expect(
      (await small.upload({ fileName: 'x.png', body: chunks(fixture('pixel.png'), 70) }))._unsafeUnwrapErr(),
    ).toEqual({
      type: 'UploadTooLarge',
      maxBytes: 10,
    });
    await nothingStored(small);
  });

  it.each([
    ['archive.zip', 'x.zip', 'application/zip'],
    ['program.exe', 'setup.txt', 'application/x-msdownload'],
    ['notes.md', 'notes.html', null],
  ])('refuses %s named %s (415), whatever the name says', async (name, fileName, detected) => {
    const s = setup();
    const e = (await s.upload({ fileName, body: chunks(fixture(name), 4) }))._unsafeUnwrapErr();
    expect(e).toMatchObject({ type: 'UnsupportedMediaType', detected });
    await nothingStored(s);
  });

  it('refuses text with NUL bytes or invalid UTF-8, also when they come after the sniffed head', async () => {
    const s = setup(1024 * 1024);
    expect(
      (await s.upload({ fileName: 'b.txt', body: chunks(fixture('binary.txt'), 3) }))._unsafeUnwrapErr(),
    ).toMatchObject({
      type: 'UnsupportedMediaType',
      reason: 'the text contains NUL bytes',
    });
    const late = Buffer.concat([Buffer.alloc(10_000, 'a'), Buffer.from([0xc3, 0x28])]);
    expect(
      (await s.upload({ fileName: 'late.md', body: chunks(late, 4096) }))._unsafeUnwrapErr(),
    ).toMatchObject({
      type: 'UnsupportedMediaType',
      reason: 'the text is not valid UTF-8',
    });
    await nothingStored(s);
  });

  it('refuses an empty file and a purpose that does not fit the content (422)', async () => {
    const s = setup();
    expect(
      (await s.upload({ fileName: 'e.txt', body: chunks(Buffer.alloc(0), 1) }))._unsafeUnwrapErr(),
    ).toMatchObject({
      type: 'InvalidUploadRequest',
      issues: [{ path: 'file', message: 'must not be empty' }],
    });
    expect(
      (
        await s.upload({ fileName: 's.wav', purpose: 'logo', body: chunks(fixture('silence.wav'), 8) })
      )._unsafeUnwrapErr(),
    ).toMatchObject({ type: 'InvalidUploadRequest', issues: [{ path: 'purpose' }] });
    await nothingStored(s);
  });

  it('answers StorageUnavailable when the store is down, recording nothing', async () => {
    const s = setup();
    s.f.storage.simulateOutage({ type: 'StorageUnavailable', message: 'down', retryable: true });
    expect(
      (await s.upload({ fileName: 'n.md', body: chunks(fixture('notes.md'), 8) }))._unsafeUnwrapErr(),
    ).toMatchObject({
      type: 'StorageUnavailable',
    });
    s.f.storage.simulateOutage(null);
    await nothingStored(s);
  });
});

describe('ListUploads, DownloadUpload and DeleteUpload', () => {
  it('lists only the owner’s uploads, newest first, by kind, page by page', async () => {
    const s = setup();
    for (const [name, file] of [
      ['pixel.png', 'a.png'],
      ['notes.md', 'b.md'],
      ['silence.wav', 'c.wav'],
    ] as const) {
      (await s.upload({ fileName: file, body: chunks(fixture(name), 16) }))._unsafeUnwrap();
      s.f.clock.advance(1000);
    }
    (
      await s.upload({ ownerId: BOB, fileName: 'bob.md', body: chunks(fixture('notes.md'), 16) })
    )._unsafeUnwrap();
    const list = new ListUploads({ uploads: s.uploads });
    const first = (await list.execute({ principal: s.f.principal(ALICE), limit: 2 }))._unsafeUnwrap();
    expect(first.items.map((u) => u.fileName)).toEqual(['c.wav', 'b.md']);
    const second = (
      await list.execute({ principal: s.f.principal(ALICE), limit: 2, cursor: first.nextCursor ?? '' })
    )._unsafeUnwrap();
    expect(second).toMatchObject({ items: [{ fileName: 'a.png' }], nextCursor: null });
    const docs = (
      await list.execute({ principal: s.f.principal(ALICE), kind: 'document', limit: 10 })
    )._unsafeUnwrap();
    expect(docs.items.map((u) => u.fileName)).toEqual(['b.md']);
    expect(
      (await list.execute({ principal: s.f.principal(ALICE), limit: 2, cursor: 'nope' }))._unsafeUnwrapErr()
        .type,
    ).toBe('InvalidCursor');
  });

  it("opens the owner's bytes; another user gets UploadNotFound", async () => {
    const s = setup();
    const png = fixture('pixel.png');
    const upload = (await s.upload({ body: chunks(png, 16) }))._unsafeUnwrap();
    const download = new DownloadUpload({ uploads: s.uploads, storage: s.f.storage });
    const opened = (
      await download.execute({ principal: s.f.principal(ALICE), uploadId: upload.id })
    )._unsafeUnwrap();
    expect(await readAll(opened.body.stream)).toEqual(png);
    expect(
      (await download.execute({ principal: s.f.principal(BOB), uploadId: upload.id }))._unsafeUnwrapErr(),
    ).toEqual({
      type: 'UploadNotFound',
      uploadId: upload.id,
    });
  });

  it('refuses to delete an upload a queued job uses, then deletes file and record once the job is gone', async () => {
    const s = setup();
    const doc = (await s.upload({ fileName: 'n.md', body: chunks(fixture('notes.md'), 16) }))._unsafeUnwrap();
    const del = new DeleteUpload({ uploads: s.uploads, jobs: s.f.jobs, storage: s.f.storage });
    const job = await s.f.submit({
      spec: { topic: 'Tides', useRag: true, rag: { sourceUploadIds: [doc.id] } },
    });
    expect(
      (await del.execute({ principal: s.f.principal(ALICE), uploadId: doc.id }))._unsafeUnwrapErr(),
    ).toEqual({
      type: 'UploadInUse',
      uploadId: doc.id,
      jobIds: [job.id],
    });
    expect(
      (await del.execute({ principal: s.f.principal(BOB), uploadId: doc.id }))._unsafeUnwrapErr().type,
    ).toBe('UploadNotFound');
    (await s.f.jobs.delete(job.id, job.version))._unsafeUnwrap();
    (await del.execute({ principal: s.f.principal(ALICE), uploadId: doc.id }))._unsafeUnwrap();
    await nothingStored(s);
  });
});
