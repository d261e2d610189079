import { z } from 'zod';
import { JOB_PRIORITY, JOB_STATUSES, STAGES } from '../domain/job.js';
import { ASPECT_RATIOS, QUALITIES, SPEC_LIMITS } from '../domain/video-spec.js';

/**
 * Request and response shapes of the HTTP API, as zod schemas. They drive validation,
 * serialization and the OpenAPI document; the domain validates the spec again (its rules are the
 * source of truth), so these schemas describe, they don't decide.
 */

// Field messages in the domain's words: a missing field "is required" (zod's default names types).
z.config({
  customError: (issue) =>
    issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : undefined,
});

const uploadId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

export const VideoSpecRequest = z
  .object({
    topic: z
      .string()
      .min(1)
      .max(SPEC_LIMITS.topicMaxChars)
      .describe('What the video is about; shown on the title card.'),
    context: z
      .string()
      .max(SPEC_LIMITS.contextMaxChars)
      .optional()
      .describe('Source text; split into readable scenes, in order.'),
    quality: z
      .enum(QUALITIES)
      .optional()
      .describe('preview 640x360@15, low 854x480@24, medium 1280x720@30 (default), high 1920x1080@30.'),
    aspectRatio: z.enum(ASPECT_RATIOS).optional().describe('Frame shape; default 16:9.'),
    narration: z.boolean().optional().describe('Spoken narration (espeak-ng); default true.'),
    voice: z.string().max(40).optional().describe('espeak-ng voice, default `en-us`.'),
    language: z.string().max(35).optional().describe('BCP 47 language tag, default `en`.'),
    maxDurationSeconds: z
      .number()
      .min(SPEC_LIMITS.minDurationSeconds)
      .max(SPEC_LIMITS.maxDurationSeconds)
      .optional()
      .describe('Upper bound of the video length in seconds; content beyond it is dropped. Default 120.'),
    useRag: z.boolean().optional().describe('Add passages retrieved from uploaded documents.'),
    rag: z
      .object({
        sourceUploadIds: z.array(uploadId).max(SPEC_LIMITS.maxSourceUploads).optional(),
        topK: z.number().int().min(1).max(SPEC_LIMITS.ragTopKMax).optional(),
      })
      .optional(),
    assets: z
      .object({
        logoUploadId: uploadId.optional(),
        backgroundUploadId: uploadId.optional(),
        musicUploadId: uploadId.optional(),
      })
      .optional(),
    configurationId: z
      .string()
      .max(64)
      .optional()
      .describe('A saved configuration merged under this request.'),
    callbackUrl: z
      .string()
      .max(2048)
      .optional()
      .describe('http(s) URL that receives a signed webhook when the job ends.'),
    priority: z
      .number()
      .int()
      .min(JOB_PRIORITY.min)
      .max(JOB_PRIORITY.max)
      .optional()
      .describe('Higher runs first; default 0.'),
  })
  .meta({
    id: 'VideoSpecRequest',
    description: 'A video to generate. Only `topic` is required.',
    example: {
      topic: 'The Pythagorean theorem',
      context:
        'In a right triangle, the square of the hypotenuse equals the sum of the squares of the other two sides. It is written a² + b² = c². It lets us find a missing side from the other two.',
      quality: 'medium',
      aspectRatio: '16:9',
      narration: true,
    },
  });

export const JobResponse = z
  .object({
    id: z.string(),
    status: z.enum(JOB_STATUSES),
    topic: z.string(),
    progress: z.object({ stage: z.enum(STAGES), percent: z.number().min(0).max(100) }),
    queuePosition: z.number().int().optional().describe('1-based place in the queue, while queued.'),
    priority: z.number().int(),
    attempts: z.number().int(),
    maxAttempts: z.number().int(),
    cancelRequested: z.boolean(),
    error: z.object({ code: z.string(), message: z.string(), retryable: z.boolean() }).optional(),
    result: z
      .object({
        durationSeconds: z.number(),
        width: z.number().int(),
        height: z.number().int(),
        fps: z.number(),
        sizeBytes: z.number().int(),
        videoCodec: z.string(),
        audioCodec: z.string().nullable(),
        bitrate: z.number(),
        sha256: z.string(),
      })
      .optional(),
    createdAt: z.iso.datetime(),
    startedAt: z.iso.datetime().optional(),
    finishedAt: z.iso.datetime().optional(),
    updatedAt: z.iso.datetime(),
    links: z.object({
      self: z.string(),
      status: z.string(),
      download: z.string(),
      thumbnail: z.string(),
      subtitles: z.string(),
      metadata: z.string(),
    }),
  })
  .meta({
    id: 'Job',
    description: 'A video-generation job.',
    example: {
      id: '01936f3e-6d2a-7c3b-9f1e-4b8a2c6d0e11',
      status: 'processing',
      topic: 'The Pythagorean theorem',
      progress: { stage: 'composing', percent: 62 },
      priority: 0,
      attempts: 1,
      maxAttempts: 3,
      cancelRequested: false,
      createdAt: '2026-11-21T10:00:00.000Z',
      startedAt: '2026-11-21T10:00:00.120Z',
      updatedAt: '2026-11-21T10:00:05.400Z',
      links: {
        self: '/api/v1/videos/jobs/01936f3e-6d2a-7c3b-9f1e-4b8a2c6d0e11/status',
        status: '/api/v1/videos/jobs/01936f3e-6d2a-7c3b-9f1e-4b8a2c6d0e11/status',
        download: '/api/v1/videos/jobs/01936f3e-6d2a-7c3b-9f1e-4b8a2c6d0e11/download',
        thumbnail: '/api/v1/videos/jobs/01936f3e-6d2a-7c3b-9f1e-4b8a2c6d0e11/thumbnail',
        subtitles: '/api/v1/videos/jobs/01936f3e-6d2a-7c3b-9f1e-4b8a2c6d0e11/subtitles',
        metadata: '/api/v1/videos/jobs/01936f3e-6d2a-7c3b-9f1e-4b8a2c6d0e11/metadata',
      },
    },
  });

export const JobEventResponse = z
  .object({
    id: z.string(),
    at: z.iso.datetime(),
    level: z.enum(['debug', 'info', 'warn', 'error']),
    stage: z.string(),
    message: z.string(),
    data: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'JobEvent', description: 'One entry of a job log.' });

export const JobMetadataResponse = z
  .object({
    job: JobResponse,
    spec: z.record(z.string(), z.unknown()).describe('The validated VideoSpec, defaults applied.'),
    result: z
      .record(z.string(), z.unknown())
      .nullable()
      .describe('Stored files and ffprobe facts; null until completed.'),
    timings: z.array(
      z.object({
        stage: z.string(),
        attempt: z.number().int(),
        startedAt: z.iso.datetime(),
        seconds: z.number().nullable(),
      }),
    ),
    events: z.object({
      total: z.number().int(),
      byLevel: z.record(z.string(), z.number().int()),
      recent: z.array(JobEventResponse),
    }),
    webhooks: z
      .array(
        z.object({
          id: z.string().describe('The `webhook-id` header: the same on every attempt.'),
          eventType: z.enum(['job.completed', 'job.failed', 'job.cancelled']),
          status: z.enum(['pending', 'delivered', 'failed']),
          attempts: z.number().int(),
          lastStatusCode: z.number().int().nullable(),
          lastError: z.string().nullable(),
          nextAttemptAt: z.iso.datetime().nullable(),
          deliveredAt: z.iso.datetime().nullable(),
        }),
      )
      .describe("Deliveries of the job's webhook events to its `callbackUrl` (empty without one)."),
  })
  .meta({ id: 'JobMetadata', description: 'Everything known about a job.' });

export const FieldError = z.object({
  path: z.string().describe('Dotted path of the field, e.g. `topic` or `rag.topK`.'),
  message: z.string(),
  location: z.enum(['body', 'querystring', 'params', 'headers']).optional(),
});

export const Problem = z
  .object({
    type: z.string().describe('URI identifying the problem type.'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional().describe('The request path.'),
    code: z.string().describe('Stable machine-readable code, e.g. `JOB_NOT_FOUND`.'),
    requestId: z.string(),
    errors: z.array(FieldError).optional(),
  })
  .meta({
    id: 'Problem',
    description: 'RFC 9457 problem details (`application/problem+json`).',
    example: {
      type: 'urn:framecast:problem:validation-failed',
      title: 'Validation failed',
      status: 422,
      detail: 'The request has 1 invalid field.',
      instance: '/api/v1/videos/generate',
      code: 'VALIDATION_FAILED',
      requestId: 'b3f0c1d2-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
      errors: [{ path: 'topic', message: 'is required', location: 'body' }],
    },
  });

export const JobIdParams = z.object({
  jobId: z
    .string()
    .min(1)
    .max(64)
    .describe('The job id returned by POST /videos/generate.')
    .meta({ example: '01936f3e-6d2a-7c3b-9f1e-4b8a2c6d0e11' }),
});

export const HealthResponse = z
  .object({
    status: z.enum(['up', 'degraded', 'down']),
    checks: z.record(
      z.string(),
      z.object({
        status: z.enum(['up', 'degraded', 'down']),
        critical: z.boolean(),
        durationMs: z.number(),
        detail: z.unknown().optional(),
      }),
    ),
    uptimeSeconds: z.number(),
    version: z.string(),
  })
  .meta({
    id: 'Health',
    description: 'Per-dependency health.',
    example: {
      status: 'up',
      checks: {
        Database: { status: 'up', critical: true, durationMs: 1.2, detail: { kind: 'pglite', latencyMs: 1 } },
        ObjectStorage: { status: 'up', critical: true, durationMs: 0.4, detail: { kind: 'disk' } },
        Pressure: { status: 'up', critical: false, durationMs: 0 },
      },
      uptimeSeconds: 5321,
      version: '0.1.0',
    },
  });

export type ProblemBody = z.infer<typeof Problem>;
