import { err, ok, ResultAsync, type Result } from 'neverthrow';
import { rankBm25 } from '../../domain/bm25.js';
import { splitPassages } from '../../domain/passages.js';
import type { Upload } from '../../domain/upload.js';
import type { ObjectStorage } from '../../ports/object-storage.js';
import type { PassageQuery, PassageRetriever, RetrievalFailed } from '../../ports/passage-retriever.js';
import type { UploadRepository } from '../../ports/upload-repository.js';
import { extractPdfText } from './pdf-text.js';
import { TextCache } from './text-cache.js';

export interface Bm25PassageRetrieverDeps {
  readonly uploads: UploadRepository;
  readonly storage: ObjectStorage;
  /** PDF text extraction (default: unpdf). */
  readonly extractPdfText?: (bytes: Uint8Array) => Promise<string>;
  /** Cache of extracted text by SHA-256 (default: 64 entries, 16 Mi characters). */
  readonly cache?: TextCache;
}

const failed = (uploadId: string | null, message: string, retryable: boolean): RetrievalFailed => ({
  type: 'RetrievalFailed',
  uploadId,
  message,
  retryable,
});

/**
 * {@link PassageRetriever} over uploaded documents: reads each document from object storage
 * (text and Markdown as UTF-8, PDF through unpdf), caches the text by SHA-256, splits it into
 * passages of about 300–600 characters on paragraph and sentence boundaries, and ranks every
 * passage of every document together with BM25 (k1 1.2, b 0.75) against the query.
 */
export class Bm25PassageRetriever implements PassageRetriever {
  private readonly cache: TextCache;
  private readonly pdfText: (bytes: Uint8Array) => Promise<string>;

  constructor(private readonly deps: Bm25PassageRetrieverDeps) {
    this.cache = deps.cache ?? new TextCache();
    this.pdfText = deps.extractPdfText ?? extractPdfText;
  }

  retrieve(query: PassageQuery): ResultAsync<string[], RetrievalFailed> {
    return new ResultAsync(this.run(query));
  }

  private async run(query: PassageQuery): Promise<Result<string[], RetrievalFailed>> {
    const ids = [...new Set(query.uploadIds)];
    const found = await this.deps.uploads.findByIds(ids);
    if (found.isErr()) return err(failed(null, `database unavailable: ${found.error.message}`, true));
    const byId = new Map(found.value.map((u) => [u.id, u]));
    const documents: Upload[] = [];
    for (const id of ids) {
      const upload = byId.get(id);
      if (upload === undefined || upload.ownerId !== query.ownerId)
        return err(failed(id, `upload ${id} no longer exists`, false));
      if (upload.kind !== 'document')
        return err(failed(id, `upload ${id} is an ${upload.kind} file, not a document`, false));
      documents.push(upload);
    }
    const passages: string[] = [];
    for (const upload of documents) {
      const text = await this.textOf(upload);
      if (text.isErr()) return err(text.error);
      passages.push(...splitPassages(text.value));
    }
    return ok(rankBm25(passages, query.query, query.topK).map((hit) => passages[hit.index] ?? ''));
  }

  private async textOf(upload: Upload): Promise<Result<string, RetrievalFailed>> {
    const cached = this.cache.get(upload.sha256);
    if (cached !== undefined) return ok(cached);
    const body = await this.deps.storage.get(upload.storageKey);
    if (body.isErr()) {
      return body.error.type === 'ObjectNotFound'
        ? err(failed(upload.id, `the stored file of upload ${upload.id} is missing`, false))
        : err(failed(upload.id, `storage unavailable: ${body.error.message}`, body.error.retryable));
    }
    let bytes: Buffer;
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of body.value.stream) chunks.push(Buffer.from(chunk as Uint8Array));
      bytes = Buffer.concat(chunks);
    } catch (cause) {
      return err(failed(upload.id, `reading upload ${upload.id} failed: ${String(cause)}`, true));
    }
    let text: string;
    if (upload.mediaType === 'application/pdf') {
      try {
        text = await this.pdfText(bytes);
      } catch (cause) {
        const reason = cause instanceof Error ? cause.message : String(cause);
        return err(failed(upload.id, `upload ${upload.id} is not a readable PDF (${reason})`, false));
      }
    } else {
      text = bytes.toString('utf8');
    }
    this.cache.set(upload.sha256, text);
    return ok(text);
  }
}
