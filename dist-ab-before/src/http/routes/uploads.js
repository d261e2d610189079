import fastifyMultipart, {} from '@fastify/multipart';
import { z } from 'zod';
import { UPLOAD_PURPOSES } from '../../domain/upload.js';
import { principalOf } from '../auth.js';
import { API_PREFIX } from '../job-presenter.js';
import { sendError } from '../problem.js';
import { Problem } from '../schemas.js';
import { UploadContentBody, UploadContentQuery, UploadGetQuery, UploadIdParams, UploadListQuery, UploadListResponse, UploadResponse, } from '../upload-schemas.js';
const security = [{ apiKey: [] }, { bearer: [] }];
const uploadLink = (id) => `${API_PREFIX}/uploads/${encodeURIComponent(id)}`;
/** An upload as JSON. */
export function presentUpload(u) {
    return {
        id: u.id,
        fileName: u.fileName,
        mediaType: u.mediaType,
        kind: u.kind,
        sizeBytes: u.sizeBytes,
        sha256: u.sha256,
        purpose: u.purpose,
        versionId: u.versionId,
        createdAt: u.createdAt.toISOString(),
        links: { self: uploadLink(u.id), download: `${uploadLink(u.id)}?download=true` },
    };
}
/** `Content-Disposition` with an ASCII fallback and the UTF-8 name (RFC 6266). */
function attachment(fileName) {
    const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
    return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
const isPurpose = (v) => typeof v === 'string' && UPLOAD_PURPOSES.includes(v);
/** The value of a simple form field that came before the file, if any. */
function fieldValue(file, name) {
    const field = file.fields[name];
    const first = Array.isArray(field) ? field[0] : field;
    return first !== undefined && first.type === 'field' ? first.value : undefined;
}
/** `/uploads`: store files (streamed multipart), list, read, download and delete them. */
export async function uploadRoutes(app, deps) {
    await app.register(async (scope) => {
        // Busboy stops one byte past the limit, so the use case sees the file is too large and the
        // rest is discarded unread.
        await scope.register(fastifyMultipart, {
            limits: { fileSize: deps.maxBytes + 1, files: 1, fields: 4, fieldSize: 1024, parts: 6 },
            throwFileSizeLimit: false,
        });
        const r = scope.withTypeProvider();
        r.post('/uploads/content', {
            schema: {
                operationId: 'uploadContent',
                tags: ['uploads'],
                summary: 'Upload a file',
                description: 'multipart/form-data with the file in the field `file` and an optional `purpose` field (logo, background, music, document) sent before it, or `?purpose=`. The body is streamed to storage while it is counted and hashed (SHA-256). The type comes from the content: images (PNG, JPEG, WebP, GIF), audio (MP3, WAV, Ogg, FLAC, M4A/AAC), PDF, and UTF-8 text without NUL bytes named .txt, .md or .markdown; the client’s Content-Type is ignored. Anything else answers 415, a file over `UPLOAD_MAX_BYTES` 413; in both cases nothing is stored. Answers 201 with the upload and a `Location` header.',
                security,
                consumes: ['multipart/form-data'],
                querystring: UploadContentQuery,
                body: UploadContentBody,
                response: { 201: UploadResponse, 401: Problem, 413: Problem, 415: Problem, 422: Problem, 503: Problem },
            },
        }, async (request, reply) => {
            if (!request.isMultipart())
                return sendError(reply, {
                    type: 'UnsupportedMediaType',
                    detected: null,
                    reason: 'the request must be multipart/form-data with the file in the field "file"',
                });
            const file = await request.file();
            if (file === undefined)
                return sendError(reply, {
                    type: 'InvalidUploadRequest',
                    issues: [{ path: 'file', message: 'is required' }],
                });
            const fail = (path, message) => {
                file.file.resume();
                return sendError(reply, { type: 'InvalidUploadRequest', issues: [{ path, message }] });
            };
            if (file.fieldname !== 'file')
                return fail('file', 'the file must be sent in the field "file"');
            const purpose = fieldValue(file, 'purpose') ?? request.query.purpose;
            if (purpose !== undefined && !isPurpose(purpose))
                return fail('purpose', `must be one of ${UPLOAD_PURPOSES.join(', ')}`);
            const result = await deps.uploadContent.execute({
                ownerId: principalOf(request).userId,
                fileName: file.filename,
                ...(purpose !== undefined ? { purpose } : {}),
                body: file.file,
            });
            if (result.isErr())
                return sendError(reply, result.error);
            return reply.code(201).header('location', uploadLink(result.value.id)).send(presentUpload(result.value));
        });
        r.get('/uploads', {
            schema: {
                operationId: 'listUploads',
                tags: ['uploads'],
                summary: "List the caller's uploads",
                description: 'Newest first, `limit` per page; follow `nextCursor` for the next page. Filter by `kind`.',
                security,
                querystring: UploadListQuery,
                response: { 200: UploadListResponse, 401: Problem, 422: Problem, 503: Problem },
            },
        }, async (request, reply) => {
            const { limit, cursor, kind } = request.query;
            const result = await deps.listUploads.execute({
                principal: principalOf(request),
                limit,
                ...(cursor !== undefined ? { cursor } : {}),
                ...(kind !== undefined ? { kind } : {}),
            });
            if (result.isErr())
                return sendError(reply, result.error);
            return { items: result.value.items.map(presentUpload), nextCursor: result.value.nextCursor };
        });
        r.get('/uploads/:uploadId', {
            schema: {
                operationId: 'getUpload',
                tags: ['uploads'],
                summary: 'An upload, or its bytes',
                description: 'The upload’s metadata; with `?download=true` the file itself, with its detected Content-Type, as an attachment. Another user’s upload answers 404.',
                security,
                params: UploadIdParams,
                querystring: UploadGetQuery,
                response: {
                    200: UploadResponse.or(z.unknown().meta({ description: 'The file (with `?download=true`).', 'x-content-type': '*/*' })),
                    401: Problem,
                    404: Problem,
                    422: Problem,
                    503: Problem,
                },
            },
        }, async (request, reply) => {
            const principal = principalOf(request);
            const { uploadId } = request.params;
            if (request.query.download !== true) {
                const result = await deps.getUpload.execute({ principal, uploadId });
                if (result.isErr())
                    return sendError(reply, result.error);
                return presentUpload(result.value);
            }
            const opened = await deps.downloadUpload.execute({ principal, uploadId });
            if (opened.isErr())
                return sendError(reply, opened.error);
            const { upload, body } = opened.value;
            const text = upload.mediaType.startsWith('text/');
            return reply
                .code(200)
                .header('content-type', text ? `${upload.mediaType}; charset=utf-8` : upload.mediaType)
                .header('content-length', String(body.info.size))
                .header('content-disposition', attachment(upload.fileName))
                .header('etag', `"${upload.sha256}"`)
                .header('cache-control', 'private, max-age=0, must-revalidate')
                .send(body.stream);
        });
        r.delete('/uploads/:uploadId', {
            schema: {
                operationId: 'deleteUpload',
                tags: ['uploads'],
                summary: 'Delete an upload',
                description: 'Deletes the stored file and its record. 409 while a queued or processing job uses it (as a RAG source or an asset); another user’s upload answers 404.',
                security,
                params: UploadIdParams,
                response: {
                    204: z.null().meta({ description: 'Deleted.' }),
                    401: Problem,
                    404: Problem,
                    409: Problem,
                    422: Problem,
                    503: Problem,
                },
            },
        }, async (request, reply) => {
            const result = await deps.deleteUpload.execute({
                principal: principalOf(request),
                uploadId: request.params.uploadId,
            });
            if (result.isErr())
                return sendError(reply, result.error);
            return reply.code(204).send(null);
        });
    });
}
//# sourceMappingURL=uploads.js.map