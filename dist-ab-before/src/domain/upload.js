/** What an uploaded file is, decided from its bytes (never from the client's Content-Type). */
export const UPLOAD_KINDS = ['image', 'audio', 'document'];
/** What the client says the file is for (optional). */
export const UPLOAD_PURPOSES = ['logo', 'background', 'music', 'document'];
/**
 * Media types accepted by magic bytes, and their kind: images png/jpeg/webp/gif, audio
 * mp3/wav/ogg/flac/m4a/aac, and PDF documents. Text (`text/plain`, `text/markdown`) has no magic
 * bytes: see {@link textMediaTypeFor}.
 */
export const MAGIC_MEDIA_TYPES = {
    'image/png': 'image',
    'image/jpeg': 'image',
    'image/webp': 'image',
    'image/gif': 'image',
    'audio/mpeg': 'audio',
    'audio/wav': 'audio',
    'audio/ogg': 'audio',
    'audio/ogg; codecs=opus': 'audio',
    'audio/flac': 'audio',
    'audio/x-m4a': 'audio',
    'audio/mp4': 'audio',
    'audio/aac': 'audio',
    'application/pdf': 'document',
};
/** Media types of text documents, accepted when the content is UTF-8 text (see {@link Utf8TextCheck}). */
export const TEXT_MEDIA_TYPES = ['text/plain', 'text/markdown'];
/** Which kind an accepted media type is, or `null` when it is not accepted. */
export function uploadKindOf(mediaType) {
    if (TEXT_MEDIA_TYPES.includes(mediaType))
        return 'document';
    return MAGIC_MEDIA_TYPES[mediaType] ?? null;
}
/**
 * The text media type a file name announces (`.txt` -> text/plain; `.md`, `.markdown` ->
 * text/markdown), or `null`. Only consulted when the bytes carry no magic number.
 */
export function textMediaTypeFor(fileName) {
    const lower = fileName.toLowerCase();
    if (lower.endsWith('.txt'))
        return 'text/plain';
    if (lower.endsWith('.md') || lower.endsWith('.markdown'))
        return 'text/markdown';
    return null;
}
/** Which upload kind each purpose needs. */
export const PURPOSE_KIND = {
    logo: 'image',
    background: 'image',
    music: 'audio',
    document: 'document',
};
/**
 * A file name safe to store and to echo in `Content-Disposition`: the last path segment, control
 * characters, quotes and backslashes removed, at most 255 characters; `upload` when nothing is left.
 */
export function sanitizeFileName(name) {
    const last = name.split(/[/\\]/).pop() ?? '';
    const cleaned = [...last]
        .filter((ch) => {
        const code = ch.codePointAt(0) ?? 0;
        return code >= 0x20 && code !== 0x7f && ch !== '"' && ch !== '\\';
    })
        .join('')
        .trim()
        .slice(0, 255);
    return cleaned === '' || cleaned === '.' || cleaned === '..' ? 'upload' : cleaned;
}
/** The object key of an upload (DESIGN §6): `{prefix}/{ownerId}/uploads/{uploadId}`. */
export const uploadStorageKey = (prefix, ownerId, uploadId) => `${prefix}/${ownerId}/uploads/${uploadId}`;
/** Ids of every upload a spec names: RAG sources and assets. */
export function uploadIdsOf(spec) {
    const ids = [...(spec.rag?.sourceUploadIds ?? [])];
    for (const id of [spec.assets?.logoUploadId, spec.assets?.backgroundUploadId, spec.assets?.musicUploadId])
        if (id !== undefined)
            ids.push(id);
    return [...new Set(ids)];
}
/**
 * Incremental check that a byte stream is UTF-8 text without NUL bytes (what a `.txt` or `.md`
 * upload must be). Feed chunks with {@link Utf8TextCheck.push}, then call {@link Utf8TextCheck.end}.
 */
export class Utf8TextCheck {
    decoder = new TextDecoder('utf-8', { fatal: true });
    failure = null;
    /** Why the bytes so far are not text, or `null` while they are. */
    get problem() {
        return this.failure;
    }
    /** Checks the next chunk. @returns `false` once the content is known not to be text. */
    push(chunk) {
        if (this.failure !== null)
            return false;
        if (chunk.includes(0)) {
            this.failure = 'contains NUL bytes';
            return false;
        }
        try {
            this.decoder.decode(chunk, { stream: true });
        }
        catch {
            this.failure = 'is not valid UTF-8';
        }
        return this.failure === null;
    }
    /** Ends the check (a truncated multi-byte sequence fails). @returns whether the whole content is text. */
    end() {
        if (this.failure !== null)
            return false;
        try {
            this.decoder.decode();
        }
        catch {
            this.failure = 'is not valid UTF-8';
        }
        return this.failure === null;
    }
}
//# sourceMappingURL=upload.js.map