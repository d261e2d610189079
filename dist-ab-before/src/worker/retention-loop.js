/**
 * Runs {@link PurgeExpiredData} in the worker process on a schedule (a driving adapter, like the
 * job worker): shortly after start, then every `intervalMs`. `stop()` waits for the pass in flight.
 */
export class RetentionLoop {
    deps;
    timer = null;
    pass = null;
    running = false;
    lastReport = null;
    constructor(deps) {
        this.deps = deps;
    }
    /** Whether it runs and what the last pass removed (health detail). */
    get status() {
        return { running: this.running, last: this.lastReport };
    }
    /** Schedules the passes. Idempotent. */
    start() {
        if (this.running)
            return;
        this.running = true;
        this.schedule(this.deps.settings.firstDelayMs ?? 10_000);
    }
    /** Stops scheduling and waits for the pass in flight. */
    async stop() {
        this.running = false;
        if (this.timer !== null)
            clearTimeout(this.timer);
        this.timer = null;
        await this.pass;
    }
    schedule(delayMs) {
        this.timer = setTimeout(() => {
            this.timer = null;
            this.pass = this.run().finally(() => {
                this.pass = null;
                if (this.running)
                    this.schedule(this.deps.settings.intervalMs);
            });
        }, delayMs);
        this.timer.unref();
    }
    async run() {
        try {
            const report = await this.deps.purgeExpiredData.execute();
            if (report.isOk())
                this.lastReport = report.value;
        }
        catch (error) {
            this.deps.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'retention pass failed');
        }
    }
}
//# sourceMappingURL=retention-loop.js.map