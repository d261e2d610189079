import { z } from 'zod';
import { UPLOAD_KINDS, UPLOAD_PURPOSES } from '../domain/upload.js';

/** Request and response shapes of `/uploads` (see schemas.ts for the conventions). */

const uploadIdPattern = /^[A-Za-z0-9_-]{1,64}$/;

export const UploadIdParams = z.object({
  uploadId: z
    .string()
    .regex(uploadIdPattern)
    .describe('The upload id returned by POST /uploads/content.')
    .meta({ example: '01936f3f-1b2c-7d4e-8f90-a1b2c3d4e5f6' }),
});

export const UploadContentQuery = z.object({
  purpose: z
    .enum(UPLOAD_PURPOSES)
    .optional()
    .describe('What the file is for (alternative to the `purpose` form field).'),
});

/**
 * Documents the multipart body. It is not validated (the route's validator skips the body): the
 * handler reads the parts as a stream.
 */
export const UploadContentBody = z
  .object({
    purpose: z
      .enum(UPLOAD_PURPOSES)
      .optional()
      .describe(
        'What the file is for: logo or background (image), music (audio), document. Send it before `file`.',
      ),
    file: z
      .string()
      .meta({ format: 'binary' })
      .describe(
        'The file. Its type is read from its bytes: PNG, JPEG, WebP, GIF; MP3, WAV, Ogg, FLAC, M4A/AAC; PDF; UTF-8 text named .txt, .md or .markdown.',
      ),
  })
  .meta({
    description:
      'multipart/form-data with the file in the field `file` and an optional `purpose` field before it.',
  });

export const UploadResponse = z
  .object({
    id: z.string(),
    fileName: z.string(),
    mediaType: z.string().describe('Detected from the content (magic bytes), never from the client.'),
    kind: z.enum(UPLOAD_KINDS),
    sizeBytes: z.number().int(),
    sha256: z.string().describe('Hex SHA-256 of the stored bytes.'),
    purpose: z.enum(UPLOAD_PURPOSES).nullable(),
    versionId: z.string().nullable().describe('Object version id when the bucket is versioned.'),
    createdAt: z.iso.datetime(),
    links: z.object({ self: z.string(), download: z.string() }),
  })
  .meta({
    id: 'Upload',
    description: 'An uploaded file.',
    example: {
      id: '01936f3f-1b2c-7d4e-8f90-a1b2c3d4e5f6',
      fileName: 'notes.md',
      mediaType: 'text/markdown',
      kind: 'document',
      sizeBytes: 2048,
      sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
      purpose: 'document',
      versionId: null,
      createdAt: '2026-11-21T10:00:00.000Z',
      links: {
        self: '/api/v1/uploads/01936f3f-1b2c-7d4e-8f90-a1b2c3d4e5f6',
        download: '/api/v1/uploads/01936f3f-1b2c-7d4e-8f90-a1b2c3d4e5f6?download=true',
      },
    },
  });

export const UploadListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20).describe('Page size (1–100, default 20).'),
  cursor: z.string().max(512).optional().describe('`nextCursor` of the previous page.'),
  kind: z.enum(UPLOAD_KINDS).optional().describe('Only uploads of this kind.'),
});

export const UploadListResponse = z
  .object({
    items: z.array(UploadResponse),
    nextCursor: z.string().nullable().describe('Cursor of the next page; null on the last page.'),
  })
  .meta({ id: 'UploadList', description: "The caller's uploads, newest first." });

export const UploadGetQuery = z.object({
  download: z.stringbool().optional().describe('Stream the file itself instead of its metadata.'),
});
