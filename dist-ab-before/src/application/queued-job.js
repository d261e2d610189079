import { err, ok } from 'neverthrow';
import { createJob, JOB_PRIORITY } from '../domain/job.js';
import { VideoSpec } from '../domain/video-spec.js';
/**
 * Validates a request with the domain's rules (VideoSpec and priority) and builds the queued job
 * (not stored yet): a new id, `maxAttempts` from settings, created now.
 *
 * @returns the job, or `InvalidVideoSpec` listing every problem with its field path (`topic`,
 *   `rag.topK`, `priority`).
 */
export function prepareQueuedJob(deps, input) {
    const priority = input.priority ?? 0;
    const spec = VideoSpec.create(input.spec);
    const priorityOk = Number.isInteger(priority) && priority >= JOB_PRIORITY.min && priority <= JOB_PRIORITY.max;
    if (spec.isErr() || !priorityOk) {
        const issues = [
            ...(spec.isErr() ? spec.error.issues : []),
            ...(priorityOk
                ? []
                : [
                    {
                        path: 'priority',
                        message: `must be an integer from ${JOB_PRIORITY.min} to ${JOB_PRIORITY.max}`,
                    },
                ]),
        ];
        return err({ type: 'InvalidVideoSpec', issues });
    }
    return ok(createJob({
        id: deps.ids.next(),
        ownerId: input.ownerId,
        spec: spec.value,
        priority,
        maxAttempts: deps.settings.maxAttempts,
        batchId: input.batchId ?? null,
        now: deps.clock.now(),
    }));
}
/**
 * Announces freshly stored jobs: a 'Job queued' event in each job's log (with its live update),
 * then one work signal. Never throws: a failed signal is logged (workers also poll).
 */
export async function announceQueuedJobs(deps, jobs, data = {}) {
    for (const job of jobs) {
        await deps.activity.record(job, 'info', 'lifecycle', 'Job queued', {
            priority: job.priority,
            quality: job.spec.quality,
            ...data,
        });
    }
    await deps.signal.notify().catch((error) => {
        deps.logger.warn({ err: String(error) }, 'work signal failed; workers will poll');
    });
}
//# sourceMappingURL=queued-job.js.map