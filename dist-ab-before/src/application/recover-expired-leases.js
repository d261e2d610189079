/**
 * The lease sweeper: jobs whose worker stopped renewing its lease (crashed, killed, paused) go
 * back to the queue — or fail when their attempts are used up — and workers are woken.
 * Run at worker start-up and every sweep interval.
 */
export class RecoverExpiredLeases {
    deps;
    constructor(deps) {
        this.deps = deps;
    }
    /** @returns the jobs recovered (in their new state). */
    execute() {
        return this.deps.jobs.recoverExpiredLeases().map(async (recovered) => {
            for (const job of recovered) {
                const message = job.status === 'queued'
                    ? `Lease of attempt ${job.attempts} expired; job queued again`
                    : job.status === 'cancelled'
                        ? 'Lease expired after a cancel request; job cancelled'
                        : `Lease of attempt ${job.attempts} expired; no attempts left, job failed`;
                await this.deps.activity.record(job, job.status === 'failed' ? 'error' : 'warn', 'lifecycle', message, {
                    attempt: job.attempts,
                    event: 'lease-expired',
                    ...(job.error !== null && job.status !== 'cancelled' ? { error: job.error } : {}),
                });
            }
            if (recovered.some((j) => j.status === 'queued'))
                await this.deps.signal.notify().catch(() => undefined);
            return recovered;
        });
    }
    /**
     * Milliseconds until the earliest lease of a processing job expires on the store's clock
     * (0 if one has), or `null` when none is processing: when the next sweep is worth running.
     */
    msUntilNextExpiry() {
        return this.deps.jobs.msUntilNextLeaseExpiry();
    }
}
//# sourceMappingURL=recover-expired-leases.js.map