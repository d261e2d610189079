import { z } from 'zod';
import { BATCH_LIMITS } from '../domain/batch.js';
import { API_PREFIX } from './job-presenter.js';
import { VideoSpecRequest } from './schemas.js';
/**
 * Shapes of `/videos/batch` (DESIGN §5). As for single jobs, the domain validates every spec
 * again: these schemas describe, the domain decides. The job limit is configuration
 * (`BATCH_MAX_JOBS`), so it is checked by the use case, not here.
 */
export const BatchRequest = z
    .object({
    jobs: z
        .array(VideoSpecRequest)
        .min(1)
        .describe('One VideoSpec per job (with optional `priority`), at most `BATCH_MAX_JOBS` (default 50).'),
    name: z.string().max(BATCH_LIMITS.nameMaxChars).optional().describe('A label for the batch.'),
})
    .meta({
    id: 'BatchRequest',
    description: 'Several videos to generate at once; each becomes an independent job.',
    example: {
        name: 'Geometry week 1',
        jobs: [
            { topic: 'The Pythagorean theorem', context: 'a² + b² = c² in a right triangle.' },
            { topic: 'Similar triangles', quality: 'low' },
            { topic: 'The area of a circle', aspectRatio: '9:16', priority: 2 },
        ],
    },
});
const count = z.number().int().min(0);
export const BatchResponse = z
    .object({
    id: z.string(),
    name: z.string().nullable(),
    jobIds: z.array(z.string()).describe('The jobs, in the order of the request.'),
    counts: z.object({
        queued: count,
        processing: count,
        completed: count,
        failed: count,
        cancelled: count,
    }),
    total: count.describe('Jobs of the batch that still exist.'),
    progress: z
        .number()
        .min(0)
        .max(100)
        .describe('Mean of the jobs’ percents, where an ended job (completed, failed, cancelled) counts as 100.'),
    createdAt: z.iso.datetime(),
    links: z.object({ self: z.string(), cancel: z.string() }),
})
    .meta({
    id: 'Batch',
    description: 'A batch of jobs with their counts by status and overall progress.',
    example: {
        id: '01936f3e-7a10-7c3b-9f1e-4b8a2c6d0e99',
        name: 'Geometry week 1',
        jobIds: [
            '01936f3e-7a11-7c3b-9f1e-4b8a2c6d0e01',
            '01936f3e-7a12-7c3b-9f1e-4b8a2c6d0e02',
            '01936f3e-7a13-7c3b-9f1e-4b8a2c6d0e03',
        ],
        counts: { queued: 1, processing: 1, completed: 1, failed: 0, cancelled: 0 },
        total: 3,
        progress: 52.3,
        createdAt: '2026-11-21T10:00:00.000Z',
        links: {
            self: '/api/v1/videos/batch/01936f3e-7a10-7c3b-9f1e-4b8a2c6d0e99',
            cancel: '/api/v1/videos/batch/01936f3e-7a10-7c3b-9f1e-4b8a2c6d0e99/cancel',
        },
    },
});
export const BatchIdParams = z.object({
    batchId: z.string().min(1).max(64).describe('The batch id returned by POST /videos/batch.'),
});
/** The URL of a batch. */
export const batchLink = (batchId) => `${API_PREFIX}/videos/batch/${encodeURIComponent(batchId)}`;
/** The API's JSON view of a batch (DESIGN §5). */
export function presentBatch(view) {
    const { batch, summary } = view;
    return {
        id: batch.id,
        name: batch.name,
        jobIds: [...batch.jobIds],
        counts: { ...summary.counts },
        total: summary.total,
        progress: summary.progress,
        createdAt: batch.createdAt.toISOString(),
        links: { self: batchLink(batch.id), cancel: `${batchLink(batch.id)}/cancel` },
    };
}
//# sourceMappingURL=batch-schemas.js.map