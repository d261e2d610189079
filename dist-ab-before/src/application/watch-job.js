import { errAsync, ResultAsync } from 'neverthrow';
import { isTerminal } from '../domain/job.js';
import { findOwnedJob } from './find-owned-job.js';
import { toUpdate } from './job-activity.js';
/**
 * Live progress of the caller's job (SSE, WebSocket): the current state first, then every update
 * published for the job, in order, from any process (through the JobEvents port). Updates older
 * than the current state are dropped, so a client never sees progress go back.
 */
export class WatchJob {
    deps;
    constructor(deps) {
        this.deps = deps;
    }
    /** @param onUpdate called for each later update; the last one of a finished job has a terminal status. */
    execute(input) {
        let buffered = [];
        let since = '';
        let stopped = false;
        const deliver = (update) => {
            if (stopped)
                return;
            if (buffered !== null) {
                buffered.push(update);
                return;
            }
            if (update.at < since)
                return;
            since = update.at;
            input.onUpdate(update);
        };
        // Subscribe before reading, so nothing published in between is lost.
        const subscribed = ResultAsync.fromSafePromise(this.deps.live.subscribe(input.jobId, (u) => {
            if (u.jobId === input.jobId)
                deliver(u);
        }));
        return subscribed.andThen((unsubscribe) => {
            const stop = async () => {
                if (stopped)
                    return;
                stopped = true;
                await unsubscribe();
            };
            return findOwnedJob(this.deps.jobs, input.principal, input.jobId)
                .orElse((e) => ResultAsync.fromSafePromise(stop()).andThen(() => errAsync(e)))
                .map((job) => {
                const current = toUpdate(job, job.updatedAt);
                since = current.at;
                const early = buffered ?? [];
                buffered = null;
                for (const u of early)
                    deliver(u);
                return { current, finished: isTerminal(job.status), stop };
            });
        });
    }
}
//# sourceMappingURL=watch-job.js.map