/**
 * `JobEvents` within one process (the embedded mode; Redis fans out across processes).
 *
 * - Each job has its own set of subscriptions; an update reaches only its job's listeners.
 * - Delivery is synchronous inside `publish`, in publish order for every listener, including
 *   updates published from inside a listener (they are queued behind the current one).
 * - A listener that throws (or returns a rejected promise) is reported to the logger and skipped;
 *   the publisher and the other listeners never see the failure.
 * - The same function subscribed twice is two subscriptions; each unsubscribe is idempotent and
 *   takes effect at once, also for an update being delivered.
 */
export class InProcessJobEvents {
    byJob = new Map();
    queue = [];
    delivering = false;
    logger;
    constructor(options = {}) {
        this.logger = options.logger;
    }
    /** Delivers `update` to the current listeners of `update.jobId`. Never rejects. */
    publish(update) {
        this.queue.push(update);
        if (!this.delivering)
            this.drain();
        return Promise.resolve();
    }
    /**
     * Calls `listener` for every later update of `jobId`.
     * @returns an idempotent unsubscribe function.
     */
    subscribe(jobId, listener) {
        const subscription = { listener, active: true };
        let set = this.byJob.get(jobId);
        if (set === undefined) {
            set = new Set();
            this.byJob.set(jobId, set);
        }
        set.add(subscription);
        const unsubscribe = () => {
            if (subscription.active) {
                subscription.active = false;
                const current = this.byJob.get(jobId);
                current?.delete(subscription);
                if (current?.size === 0)
                    this.byJob.delete(jobId);
            }
            return Promise.resolve();
        };
        return Promise.resolve(unsubscribe);
    }
    /** How many subscriptions `jobId` has (for tests and metrics). */
    subscriberCount(jobId) {
        return this.byJob.get(jobId)?.size ?? 0;
    }
    drain() {
        this.delivering = true;
        try {
            for (let update = this.queue.shift(); update !== undefined; update = this.queue.shift()) {
                const subscriptions = this.byJob.get(update.jobId);
                if (subscriptions === undefined)
                    continue;
                for (const subscription of [...subscriptions]) {
                    if (subscription.active)
                        this.deliver(subscription.listener, update);
                }
            }
        }
        finally {
            this.delivering = false;
        }
    }
    deliver(listener, update) {
        try {
            const returned = listener(update);
            if (returned instanceof Promise)
                returned.catch((error) => this.report(error, update));
        }
        catch (error) {
            this.report(error, update);
        }
    }
    report(error, update) {
        try {
            this.logger?.warn({ err: error, jobId: update.jobId }, 'job update listener threw');
        }
        catch {
            // A failing logger must not break delivery either.
        }
    }
}
//# sourceMappingURL=in-process-job-events.js.map