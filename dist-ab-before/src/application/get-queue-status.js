/** At most this many running jobs are listed (the count covers all of them). */
export const QUEUE_STATUS_RUNNING_LIMIT = 100;
const seconds = (ms) => Math.round(ms / 100) / 10;
/** The queue's state from one store snapshot: counts, ages, runnable vs delayed, running leases. */
export class GetQueueStatus {
    deps;
    constructor(deps) {
        this.deps = deps;
    }
    execute() {
        return this.deps.jobs
            .queueSnapshot(this.deps.runningLimit ?? QUEUE_STATUS_RUNNING_LIMIT)
            .map((snapshot) => {
            const now = snapshot.asOf.getTime();
            return {
                asOf: snapshot.asOf,
                counts: snapshot.counts,
                oldestQueuedAgeSeconds: snapshot.oldestQueuedAt === null
                    ? null
                    : Math.max(0, seconds(now - snapshot.oldestQueuedAt.getTime())),
                runnable: snapshot.runnable,
                delayed: snapshot.delayed,
                running: snapshot.running.map((job) => ({
                    ...job,
                    leaseExpiresInSeconds: job.leaseExpiresAt === null ? null : seconds(job.leaseExpiresAt.getTime() - now),
                })),
                activeWorkers: snapshot.activeWorkers,
            };
        });
    }
}
//# sourceMappingURL=get-queue-status.js.map