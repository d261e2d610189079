import { okAsync } from 'neverthrow';
import { PIPELINE_STAGES } from '../domain/job.js';
import { findOwnedJob } from './find-owned-job.js';
/** How many log entries the metadata view summarises. */
const EVENT_LIMIT = 500;
/** Full metadata of the caller's job: spec, result (ffprobe facts), attempts, stage timings, log summary. */
export class GetJobMetadata {
    deps;
    constructor(deps) {
        this.deps = deps;
    }
    execute(input) {
        return findOwnedJob(this.deps.jobs, input.principal, input.jobId).andThen((job) => this.deps.events
            .list(job.id, { limit: EVENT_LIMIT })
            .mapErr((e) => {
            // No cursor is passed, so the store cannot refuse one: anything else is a bug.
            if (e.type === 'InvalidCursor')
                throw new Error('event log refused a first page');
            return e;
        })
            .andThen((page) => (this.deps.webhooks?.listForJob(job.id) ?? okAsync([])).map((webhooks) => {
            const byLevel = {};
            for (const e of page.items)
                byLevel[e.level] = (byLevel[e.level] ?? 0) + 1;
            return {
                job,
                timings: stageTimings(page.items, job),
                events: { total: page.items.length, byLevel, recent: page.items.slice(-20) },
                webhooks,
            };
        })));
    }
}
/**
 * Stage timings from the log: each `stage started` event opens a stage, which lasts until the
 * next stage or lifecycle event of the same attempt (or the job's end).
 */
export function stageTimings(events, job) {
    const timings = [];
    let open = null;
    const close = (at) => {
        if (open === null)
            return;
        timings.push({
            ...open,
            seconds: at === null ? null : Math.max(0, (at.getTime() - open.startedAt.getTime()) / 1000),
        });
        open = null;
    };
    for (const e of events) {
        const attempt = typeof e.data['attempt'] === 'number' ? e.data['attempt'] : 0;
        if (e.data['event'] === 'stage-started' && PIPELINE_STAGES.includes(e.stage)) {
            close(e.at);
            open = { stage: e.stage, attempt, startedAt: e.at };
        }
        else if (e.stage === 'lifecycle' && open !== null) {
            close(e.at);
        }
    }
    close(job.finishedAt ?? (job.status === 'processing' ? null : job.updatedAt));
    return timings;
}
//# sourceMappingURL=get-job-metadata.js.map