/**
 * Runs {@link DispatchWebhooks} in the worker process (a driving adapter, like the job worker):
 * one pass every `intervalMs`, back to back while a backlog lasts. Any number of processes may
 * run it (claims use SKIP LOCKED). `stop()` waits for the pass in flight.
 */
export class WebhookDispatchLoop {
    deps;
    running = false;
    loop = null;
    wake = null;
    passes = 0;
    lastReport = null;
    constructor(deps) {
        this.deps = deps;
    }
    /** Passes run so far and what the last one did (health detail). */
    get status() {
        return { running: this.running, passes: this.passes, last: this.lastReport };
    }
    /** Starts the passes. Idempotent. */
    start() {
        if (this.running)
            return;
        this.running = true;
        this.loop = this.run();
        this.deps.logger.info({ intervalMs: this.deps.settings.intervalMs }, 'webhook dispatcher started');
    }
    /** Stops after the pass in flight. Idempotent. */
    async stop() {
        this.running = false;
        this.wake?.();
        await this.loop;
        this.loop = null;
    }
    async run() {
        while (this.running) {
            let backlog = false;
            try {
                const report = await this.deps.dispatchWebhooks.execute();
                this.passes += 1;
                if (report.isErr())
                    this.deps.logger.warn({ err: report.error.message }, 'webhook dispatch pass failed');
                else {
                    this.lastReport = report.value;
                    backlog = report.value.attempted >= this.deps.settings.batchSize;
                }
            }
            catch (error) {
                this.deps.logger.error({ err: String(error) }, 'webhook dispatch pass crashed');
            }
            if (this.running && !backlog)
                await this.pause();
        }
    }
    pause() {
        return new Promise((resolve) => {
            const timer = setTimeout(done, this.deps.settings.intervalMs);
            function done() {
                clearTimeout(timer);
                resolve();
            }
            this.wake = done;
        });
    }
}
//# sourceMappingURL=webhook-dispatch-loop.js.map