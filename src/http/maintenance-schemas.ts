import { z } from 'zod';

const EXAMPLE_JOB_ID = '0193a5b0-7d1e-7c3a-9f00-2b7e4c1d9a10';
const EXAMPLE_ERROR = {
  code: 'RENDER_FAILED',
  message: 'narration: unknown voice "xx-nope"',
  retryable: false,
};

const JobErrorBody = z.object({
  code: z
    .string()
    .describe('Stable error code, e.g. `RENDER_FAILED`, `LEASE_EXPIRED`, `STORAGE_UNAVAILABLE`.'),
  message: z.string(),
  retryable: z.boolean().describe('Whether another attempt could succeed.'),
});

export const FailedJobsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20).describe('Page size, 1–100 (default 20).'),
  cursor: z.string().min(1).max(512).optional().describe('`nextCursor` of the previous page.'),
});

export const FailedJobListResponse = z
  .object({
    items: z.array(
      z.object({
        id: z.string(),
        ownerId: z.string(),
        attempts: z.number().int().describe('Attempts made.'),
        maxAttempts: z.number().int(),
        error: JobErrorBody.nullable().describe('The last error (why the job failed).'),
        attemptErrors: z
          .array(z.object({ attempt: z.number().int(), at: z.string(), error: JobErrorBody }))
          .describe('The error of every attempt, from the job’s log, oldest first.'),
        createdAt: z.string(),
        finishedAt: z.string().nullable(),
      }),
    ),
    nextCursor: z.string().nullable().describe('Cursor of the next page; `null` on the last page.'),
  })
  .meta({
    id: 'FailedJobList',
    description: 'The dead-letter view: failed jobs, newest first, with every attempt’s error.',
    example: {
      items: [
        {
          id: EXAMPLE_JOB_ID,
          ownerId: 'user_2abc',
          attempts: 3,
          maxAttempts: 3,
          error: EXAMPLE_ERROR,
          attemptErrors: [
            {
              attempt: 1,
              at: '2026-11-21T10:00:05.000Z',
              error: {
                code: 'LEASE_EXPIRED',
                message: 'worker w1 stopped renewing its lease in attempt 1',
                retryable: true,
              },
            },
            { attempt: 2, at: '2026-11-21T10:00:20.000Z', error: EXAMPLE_ERROR },
          ],
          createdAt: '2026-11-21T10:00:00.000Z',
          finishedAt: '2026-11-21T10:00:20.000Z',
        },
      ],
      nextCursor: null,
    },
  });

export const UserIdParams = z.object({
  userId: z.string().min(1).max(128).describe('The user’s id (from the identity provider).'),
});

export const DeletedUserDataResponse = z
  .object({
    userId: z.string(),
    deletedJobs: z.number().int(),
    deletedObjects: z
      .number()
      .int()
      .describe('Stored objects removed (job files of every attempt, uploaded files).'),
    deletedUploads: z.number().int(),
    deletedConfigurations: z.number().int(),
    deletedBatches: z
      .number()
      .int()
      .describe('Batch records removed (their jobs are counted in deletedJobs).'),
  })
  .meta({
    id: 'DeletedUserData',
    description: 'What was deleted.',
    example: {
      userId: 'user_2abc',
      deletedJobs: 12,
      deletedObjects: 38,
      deletedUploads: 2,
      deletedConfigurations: 1,
      deletedBatches: 1,
    },
  });
