import { availableParallelism, loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
const NS_PER_MS = 1e6;
/**
 * {@link RuntimeStats} from Node: `process.memoryUsage()`, `os.loadavg()` and an event-loop
 * delay histogram (`perf_hooks.monitorEventLoopDelay`) read per window: a snapshot reports the
 * last complete window (or the current one before the first window ends). `start()` begins
 * measuring, `stop()` ends it.
 */
export class NodeRuntimeStats {
    windowMs;
    resolutionMs;
    histogram;
    timer = null;
    lastWindow = null;
    constructor(options = {}) {
        this.windowMs = options.windowMs ?? 10_000;
        this.resolutionMs = options.resolutionMs ?? 10;
        this.histogram = monitorEventLoopDelay({ resolution: this.resolutionMs });
    }
    start() {
        if (this.timer !== null)
            return;
        this.histogram.enable();
        this.timer = setInterval(() => {
            this.lastWindow = this.read();
            this.histogram.reset();
        }, this.windowMs);
        this.timer.unref();
    }
    stop() {
        if (this.timer !== null)
            clearInterval(this.timer);
        this.timer = null;
        this.histogram.disable();
    }
    snapshot() {
        const memory = process.memoryUsage();
        const loop = this.lastWindow ?? this.read();
        const [one = 0, five = 0, fifteen = 0] = loadavg();
        return {
            rssBytes: memory.rss,
            heapUsedBytes: memory.heapUsed,
            heapTotalBytes: memory.heapTotal,
            externalBytes: memory.external,
            eventLoopDelayP99Ms: loop.p99Ms,
            eventLoopDelayMaxMs: loop.maxMs,
            loadAverage: [one, five, fifteen],
            cpus: availableParallelism(),
            uptimeSeconds: process.uptime(),
        };
    }
    read() {
        // An empty histogram reports NaN / a huge min: no samples means no measured delay.
        if (this.histogram.count === 0)
            return { p99Ms: 0, maxMs: 0 };
        // Samples are the time between two timer turns: the resolution itself is not delay.
        const round = (ns) => Math.max(0, Math.round((ns / NS_PER_MS - this.resolutionMs) * 100) / 100);
        return { p99Ms: round(this.histogram.percentile(99)), maxMs: round(this.histogram.max) };
    }
}
//# sourceMappingURL=node-runtime-stats.js.map