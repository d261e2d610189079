import { z } from 'zod';
import { STAGES } from '../domain/job.js';
/** Response shapes of the operations endpoints (`/system/metrics`, `/system/queue-status`, `/system/container`). */
const JobCountsSchema = z.object({
    queued: z.number().int(),
    processing: z.number().int(),
    completed: z.number().int(),
    failed: z.number().int(),
    cancelled: z.number().int(),
});
export const SystemMetricsResponse = z
    .object({
    generatedAt: z.iso.datetime(),
    queueDepth: JobCountsSchema.describe('Jobs by status, all owners.'),
    jobs: z.object({
        windowSeconds: z.number().describe('The window of the figures below: the last hour.'),
        finished: z.object({
            completed: z.number().int(),
            failed: z.number().int(),
            cancelled: z.number().int(),
        }),
        completedPerHour: z.number(),
        completedPerMinute: z.number(),
        processingSeconds: z
            .object({
            p50: z.number().nullable(),
            p95: z.number().nullable(),
            mean: z.number().nullable(),
            max: z.number().nullable(),
        })
            .describe('From first start to finish of the jobs completed in the window; null when none.'),
    }),
    process: z.object({
        rssBytes: z.number().int(),
        heapUsedBytes: z.number().int(),
        heapTotalBytes: z.number().int(),
        externalBytes: z.number().int(),
        eventLoopDelayP99Ms: z.number().describe('Over the last 10 s window.'),
        eventLoopDelayMaxMs: z.number(),
        loadAverage: z.array(z.number()).length(3).describe('1, 5 and 15 minute load averages.'),
        cpus: z.number().int(),
        uptimeSeconds: z.number(),
    }),
})
    .meta({
    id: 'SystemMetrics',
    description: 'Queue depth, throughput and processing times over the last hour, and resource use.',
    example: {
        generatedAt: '2026-11-21T10:00:00.000Z',
        queueDepth: { queued: 4, processing: 2, completed: 120, failed: 3, cancelled: 1 },
        jobs: {
            windowSeconds: 3600,
            finished: { completed: 18, failed: 1, cancelled: 0 },
            completedPerHour: 18,
            completedPerMinute: 0.3,
            processingSeconds: { p50: 7.9, p95: 14.2, mean: 8.6, max: 16.1 },
        },
        process: {
            rssBytes: 152_043_520,
            heapUsedBytes: 48_203_776,
            heapTotalBytes: 71_303_168,
            externalBytes: 3_145_728,
            eventLoopDelayP99Ms: 2.4,
            eventLoopDelayMaxMs: 11.8,
            loadAverage: [0.42, 0.37, 0.3],
            cpus: 2,
            uptimeSeconds: 5321.4,
        },
    },
});
export const QueueStatusResponse = z
    .object({
    asOf: z.iso.datetime().describe("The database clock's time of the snapshot."),
    counts: JobCountsSchema,
    oldestQueuedAgeSeconds: z.number().nullable().describe('Age of the oldest queued job; null when none.'),
    queued: z.object({
        runnable: z.number().int().describe('Claimable now.'),
        delayed: z.number().int().describe('Waiting for their retry time (`runAt` in the future).'),
    }),
    running: z
        .array(z.object({
        jobId: z.string(),
        ownerId: z.string(),
        attempt: z.number().int(),
        workerId: z.string().nullable().describe('The lease owner.'),
        leaseExpiresAt: z.iso.datetime().nullable(),
        leaseExpiresInSeconds: z.number().nullable().describe('Negative once expired.'),
        stage: z.enum(STAGES),
        percent: z.number(),
        startedAt: z.iso.datetime().nullable(),
    }))
        .describe('Processing jobs, oldest start first (at most 100).'),
    activeWorkers: z.object({
        count: z.number().int(),
        ids: z.array(z.string()).describe('Distinct lease owners of the processing jobs.'),
    }),
})
    .meta({
    id: 'QueueStatus',
    description: 'The queue right now.',
    example: {
        asOf: '2026-11-21T10:00:00.000Z',
        counts: { queued: 3, processing: 1, completed: 40, failed: 2, cancelled: 0 },
        oldestQueuedAgeSeconds: 12.5,
        queued: { runnable: 2, delayed: 1 },
        running: [
            {
                jobId: '01936f3e-6d2a-7c3b-9f1e-4b8a2c6d0e11',
                ownerId: 'user_2abc',
                attempt: 1,
                workerId: 'api-1:4242:a1b2c3',
                leaseExpiresAt: '2026-11-21T10:00:25.000Z',
                leaseExpiresInSeconds: 25,
                stage: 'composing',
                percent: 62,
                startedAt: '2026-11-21T09:59:55.000Z',
            },
        ],
        activeWorkers: { count: 1, ids: ['api-1:4242:a1b2c3'] },
    },
});
export const ContainerResponse = z
    .object({
    registrations: z.array(z.object({
        token: z.string(),
        lifetime: z.enum(['singleton', 'transient', 'scoped', 'instance']),
        state: z.enum(['registered', 'starting', 'started', 'stopping', 'stopped', 'failed']),
        startDurationMs: z.number().optional().describe('Construction plus start hook, in ms.'),
        dependencies: z.array(z.string()).describe('Tokens its factory resolved, in order.'),
        error: z.string().optional(),
    })),
})
    .meta({
    id: 'ContainerDescription',
    description: "The DI container's registrations with lifetime, state, start duration and dependencies.",
    example: {
        registrations: [
            { token: 'Config', lifetime: 'instance', state: 'started', dependencies: [] },
            {
                token: 'JobRepository',
                lifetime: 'singleton',
                state: 'started',
                startDurationMs: 812.4,
                dependencies: ['Database'],
            },
        ],
    },
});
//# sourceMappingURL=operations-schemas.js.map