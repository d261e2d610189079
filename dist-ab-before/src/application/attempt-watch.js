/** Shortest gap in ms between two checks triggered by live updates (the worker's own updates included). */
const MIN_LIVE_CHECK_GAP_MS = 100;
/**
 * Watches a running attempt for a cancel request or a lost lease, independently of the render's
 * progress reports (some stages report rarely): it reads the job every `intervalMs`, and at once
 * when a live update of the job arrives (a cancel request publishes one). A read that fails
 * (database down) is skipped; the heartbeat decides about the lease then.
 *
 * @returns a function that stops watching (idempotent).
 */
export function watchAttempt(options) {
    let stopped = false;
    let checking = false;
    let lastCheckAt = 0;
    let unsubscribe = null;
    let trailing = null;
    let again = false;
    const check = async () => {
        if (stopped)
            return;
        if (checking) {
            again = true;
            return;
        }
        checking = true;
        lastCheckAt = Date.now();
        try {
            const found = await options.jobs.findById(options.jobId);
            if (stopped)
                return;
            if (found.isErr()) {
                if (found.error.type === 'JobNotFound')
                    options.onStop('lease-lost');
                return;
            }
            const job = found.value;
            if (job.status !== 'processing' || job.attempts !== options.attempt)
                options.onStop('lease-lost');
            else if (job.cancelRequestedAt !== null)
                options.onStop('cancel');
        }
        finally {
            checking = false;
            if (again) {
                again = false;
                void check();
            }
        }
    };
    const timer = setInterval(() => void check(), options.intervalMs);
    timer.unref();
    if (options.live !== undefined) {
        options.live
            .subscribe(options.jobId, () => {
            if (stopped || trailing !== null)
                return;
            // Checks at most every MIN_LIVE_CHECK_GAP_MS, but never drops one: a cancel published
            // right after the worker's own update is checked at the end of the gap.
            const waitMs = Math.max(0, lastCheckAt + MIN_LIVE_CHECK_GAP_MS - Date.now());
            trailing = setTimeout(() => {
                trailing = null;
                void check();
            }, waitMs);
        })
            .then((unsub) => {
            if (stopped)
                void unsub().catch(() => undefined);
            else
                unsubscribe = unsub;
        }, (error) => options.logger.warn({ err: String(error) }, 'live updates unavailable; polling for cancels'));
    }
    return () => {
        if (stopped)
            return;
        stopped = true;
        clearInterval(timer);
        if (trailing !== null)
            clearTimeout(trailing);
        if (unsubscribe !== null)
            void unsubscribe().catch(() => undefined);
    };
}
//# sourceMappingURL=attempt-watch.js.map