import { err, ok, ResultAsync } from 'neverthrow';
import { rankBm25 } from '../../domain/bm25.js';
import { splitPassages } from '../../domain/passages.js';
import { extractPdfText } from './pdf-text.js';
import { TextCache } from './text-cache.js';
const failed = (uploadId, message, retryable) => ({
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
export class Bm25PassageRetriever {
    deps;
    cache;
    pdfText;
    constructor(deps) {
        this.deps = deps;
        this.cache = deps.cache ?? new TextCache();
        this.pdfText = deps.extractPdfText ?? extractPdfText;
    }
    retrieve(query) {
        return new ResultAsync(this.run(query));
    }
    async run(query) {
        const ids = [...new Set(query.uploadIds)];
        const found = await this.deps.uploads.findByIds(ids);
        if (found.isErr())
            return err(failed(null, `database unavailable: ${found.error.message}`, true));
        const byId = new Map(found.value.map((u) => [u.id, u]));
        const documents = [];
        for (const id of ids) {
            const upload = byId.get(id);
            if (upload === undefined || upload.ownerId !== query.ownerId)
                return err(failed(id, `upload ${id} no longer exists`, false));
            if (upload.kind !== 'document')
                return err(failed(id, `upload ${id} is an ${upload.kind} file, not a document`, false));
            documents.push(upload);
        }
        const passages = [];
        for (const upload of documents) {
            const text = await this.textOf(upload);
            if (text.isErr())
                return err(text.error);
            passages.push(...splitPassages(text.value));
        }
        return ok(rankBm25(passages, query.query, query.topK).map((hit) => passages[hit.index] ?? ''));
    }
    async textOf(upload) {
        const cached = this.cache.get(upload.sha256);
        if (cached !== undefined)
            return ok(cached);
        const body = await this.deps.storage.get(upload.storageKey);
        if (body.isErr()) {
            return body.error.type === 'ObjectNotFound'
                ? err(failed(upload.id, `the stored file of upload ${upload.id} is missing`, false))
                : err(failed(upload.id, `storage unavailable: ${body.error.message}`, body.error.retryable));
        }
        let bytes;
        try {
            const chunks = [];
            for await (const chunk of body.value.stream)
                chunks.push(Buffer.from(chunk));
            bytes = Buffer.concat(chunks);
        }
        catch (cause) {
            return err(failed(upload.id, `reading upload ${upload.id} failed: ${String(cause)}`, true));
        }
        let text;
        if (upload.mediaType === 'application/pdf') {
            try {
                text = await this.pdfText(bytes);
            }
            catch (cause) {
                const reason = cause instanceof Error ? cause.message : String(cause);
                return err(failed(upload.id, `upload ${upload.id} is not a readable PDF (${reason})`, false));
            }
        }
        else {
            text = bytes.toString('utf8');
        }
        this.cache.set(upload.sha256, text);
        return ok(text);
    }
}
//# sourceMappingURL=bm25-passage-retriever.js.map