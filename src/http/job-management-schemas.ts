import { z } from 'zod';
import { JOB_STATUSES } from '../domain/job.js';
import { PREFERENCES_EXTRA_MAX_BYTES } from '../domain/user-preferences.js';
import { ASPECT_RATIOS, QUALITIES } from '../domain/video-spec.js';
import { JOB_LIST_MAX_LIMIT } from '../ports/job-repository.js';
import { JobEventResponse, JobResponse } from './schemas.js';

/**
 * Request and response shapes of job management, users, dashboard and the admin job views
 * (`/jobs`, `/users/me`, `/dashboard`, `/system/jobs`).
 */

const EXAMPLE_JOB_ID = '01936f3e-6d2a-7c3b-9f1e-4b8a2c6d0e11';
const EXAMPLE_CURSOR = 'ZHwyMDI2LTExLTIxVDEwOjAwOjAwLjAwMFp8MDE5MzZmM2UtNmQyYS03YzNiLTlmMWUtNGI4YTJjNmQwZTEx';

/** A list given as `a,b` or as a repeated parameter (`?x=a&x=b`), split, trimmed, empty items dropped. */
const commaList = <const V extends readonly [string, ...string[]]>(values: V, description: string) =>
  z
    .union([z.string(), z.array(z.string())])
    .transform((v) =>
      (Array.isArray(v) ? v : [v])
        .flatMap((s) => s.split(','))
        .map((s) => s.trim())
        .filter((s) => s.length > 0),
    )
    .pipe(z.array(z.enum(values)).max(20))
    .optional()
    .describe(description);

const isoDate = (description: string) =>
  z.iso
    .datetime({ offset: true })
    .transform((s) => new Date(s))
    .optional()
    .describe(description);

const cursor = z
  .string()
  .min(1)
  .max(512)
  .optional()
  .describe('`nextCursor` of the previous page; give the same filters and sort again.');

/** Filters shared by `GET /jobs` and `GET /system/jobs`. */
const jobFilterFields = {
  status: commaList(
    JOB_STATUSES,
    `Only jobs in these statuses (${JOB_STATUSES.join(', ')}): comma-separated (\`failed,cancelled\`) or repeated (\`status=failed&status=cancelled\`).`,
  ),
  batchId: z.string().min(1).max(64).optional().describe('Only the jobs of this batch.'),
  createdAfter: isoDate('Only jobs created at or after this ISO 8601 time (inclusive).'),
  createdBefore: isoDate('Only jobs created before this ISO 8601 time (exclusive).'),
  sort: z
    .enum(['asc', 'desc'])
    .default('desc')
    .describe('By creation time; `desc` (default) is newest first.'),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(JOB_LIST_MAX_LIMIT)
    .default(20)
    .describe(`Page size, 1–${JOB_LIST_MAX_LIMIT} (default 20).`),
  cursor,
};

export const JobListQuery = z.object(jobFilterFields);

export const AdminJobListQuery = z.object({
  ...jobFilterFields,
  ownerId: z.string().min(1).max(128).optional().describe('Only this user’s jobs.'),
});

export const JobListResponse = z
  .object({
    items: z.array(JobResponse),
    nextCursor: z.string().nullable().describe('Cursor of the next page; `null` on the last page.'),
  })
  .meta({
    id: 'JobList',
    description: 'One page of jobs.',
    example: { items: [JobResponse.meta()?.['example']], nextCursor: EXAMPLE_CURSOR },
  });

export const AdminJobListResponse = z
  .object({
    items: z.array(JobResponse.extend({ ownerId: z.string() })),
    nextCursor: z.string().nullable(),
  })
  .meta({
    id: 'AdminJobList',
    description: 'One page of every user’s jobs, with their owners.',
    example: {
      items: [{ ...(JobResponse.meta()?.['example'] as object), ownerId: 'user_2p1xYz' }],
      nextCursor: EXAMPLE_CURSOR,
    },
  });

export const JobLogsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100).describe('Page size, 1–500 (default 100).'),
  cursor,
  level: commaList(
    ['debug', 'info', 'warn', 'error'],
    'Only entries of these levels, comma-separated or repeated (`warn,error`).',
  ),
});

export const JobLogsResponse = z
  .object({ items: z.array(JobEventResponse), nextCursor: z.string().nullable() })
  .meta({
    id: 'JobLogs',
    description: 'One page of a job’s log, oldest first.',
    example: {
      items: [
        {
          id: '01936f3e-6d2b-7000-8000-000000000001',
          at: '2026-11-21T10:00:00.000Z',
          level: 'info',
          stage: 'lifecycle',
          message: 'Job queued',
          data: { priority: 0, quality: 'medium' },
        },
      ],
      nextCursor: null,
    },
  });

export const DeletedJobResponse = z
  .object({ id: z.string(), deleted: z.literal(true), deletedObjects: z.number().int() })
  .meta({
    id: 'DeletedJob',
    description: 'The job, its log and its stored files are gone.',
    example: { id: EXAMPLE_JOB_ID, deleted: true, deletedObjects: 3 },
  });

const counts = z.object({
  queued: z.number().int(),
  processing: z.number().int(),
  completed: z.number().int(),
  failed: z.number().int(),
  cancelled: z.number().int(),
});

const statisticsFields = {
  counts,
  total: z.number().int(),
  completedLast24h: z.number().int(),
  averageProcessingSeconds: z
    .number()
    .nullable()
    .describe('Mean seconds from first start to finish of completed jobs.'),
  p95ProcessingSeconds: z.number().nullable().describe('95th percentile of the same, in seconds.'),
  storedBytes: z.number().describe('Bytes of stored videos.'),
};

const statisticsExample = {
  counts: { queued: 1, processing: 1, completed: 12, failed: 1, cancelled: 2 },
  total: 17,
  completedLast24h: 4,
  averageProcessingSeconds: 9.8,
  p95ProcessingSeconds: 14.2,
  storedBytes: 48_213_504,
};

export const JobStatistics = z.object(statisticsFields).meta({
  id: 'JobStatistics',
  description: 'Statistics of the caller’s jobs.',
  example: statisticsExample,
});

export const CurrentUserResponse = z
  .object({
    id: z.string(),
    email: z.string().nullable(),
    role: z.enum(['user', 'admin']),
    scopes: z.array(z.string()),
    authenticatedVia: z.enum(['api-key', 'session']),
    createdAt: z.iso.datetime().nullable().describe('When the user was first seen.'),
    statistics: JobStatistics,
  })
  .meta({
    id: 'CurrentUser',
    description: 'The caller’s profile and job statistics.',
    example: {
      id: 'user_2p1xYz',
      email: 'ada@example.com',
      role: 'user',
      scopes: ['jobs'],
      authenticatedVia: 'api-key',
      createdAt: '2026-11-01T08:00:00.000Z',
      statistics: statisticsExample,
    },
  });

export const Preferences = z
  .object({
    defaultQuality: z.enum(QUALITIES).optional(),
    defaultAspectRatio: z.enum(ASPECT_RATIOS).optional(),
    defaultVoice: z.string().max(40).optional().describe('espeak-ng voice, e.g. `en-us`.'),
    defaultLanguage: z.string().max(35).optional().describe('BCP 47 tag, e.g. `en`.'),
    defaultNarration: z.boolean().optional(),
    defaultWebhookUrl: z.string().max(2048).optional().describe('http(s) URL for job webhooks.'),
    extra: z
      .record(z.string(), z.unknown())
      .optional()
      .describe(`Free-form settings of a front end, at most ${PREFERENCES_EXTRA_MAX_BYTES} bytes as JSON.`),
  })
  .strict()
  .meta({
    id: 'Preferences',
    description: 'Saved defaults of the caller. PUT replaces the whole object: fields left out are unset.',
    example: {
      defaultQuality: 'high',
      defaultAspectRatio: '16:9',
      defaultVoice: 'en-gb',
      defaultLanguage: 'en',
      defaultNarration: true,
      defaultWebhookUrl: 'https://example.com/hooks/framecast',
      extra: { theme: 'dark' },
    },
  });

export const DashboardStatsResponse = z
  .object({
    ...statisticsFields,
    successRate: z.number().min(0).max(1).nullable().describe('completed / (completed + failed).'),
    active: z.number().int().describe('Jobs queued or processing.'),
    windowHours: z.number().int(),
  })
  .meta({
    id: 'DashboardStats',
    description: 'Figures for a dashboard: the caller’s jobs only.',
    example: { ...statisticsExample, successRate: 0.923, active: 2, windowHours: 24 },
  });

export const RecentJobsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(50).default(10).describe('How many, 1–50 (default 10).'),
});

export const RecentJobsResponse = z.object({ items: z.array(JobResponse) }).meta({
  id: 'RecentJobs',
  description: 'The caller’s newest jobs, newest first.',
  example: { items: [JobResponse.meta()?.['example']] },
});
