import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
/** Request durations: 1 ms to 10 s, in seconds. */
const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Stage and attempt durations: 50 ms to 30 min, in seconds. */
const JOB_BUCKETS = [0.05, 0.25, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600, 1800];
/** Queue waits: 1 ms to 1 h, in seconds. */
const WAIT_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600];
/**
 * {@link Metrics} and {@link MetricsExposition} with prom-client, on a Registry of its own (never
 * the global one), so that tests and several apps in one process don't share or collide.
 *
 * Metrics: `framecast_http_request_duration_seconds{method,route,status_class}`,
 * `framecast_job_stage_duration_seconds{stage}`, `framecast_job_attempt_duration_seconds{outcome}`,
 * `framecast_job_failures_total{code,retryable}`, `framecast_job_queue_wait_seconds`,
 * `framecast_jobs{status}` (collected at scrape time), and the default `process_*` / `nodejs_*`.
 */
export class PromMetrics {
    registry = new Registry();
    httpDuration;
    stageDuration;
    attemptDuration;
    failures;
    queueWait;
    constructor(options = {}) {
        const registers = [this.registry];
        if (options.defaultLabels !== undefined)
            this.registry.setDefaultLabels({ ...options.defaultLabels });
        if (options.processMetrics !== false)
            collectDefaultMetrics({ register: this.registry });
        this.httpDuration = new Histogram({
            name: 'framecast_http_request_duration_seconds',
            help: 'HTTP request duration in seconds, by method, route pattern and status class (2xx...).',
            labelNames: ['method', 'route', 'status_class'],
            buckets: HTTP_BUCKETS,
            registers,
        });
        this.stageDuration = new Histogram({
            name: 'framecast_job_stage_duration_seconds',
            help: 'Duration of a pipeline stage of one job attempt, in seconds.',
            labelNames: ['stage'],
            buckets: JOB_BUCKETS,
            registers,
        });
        this.attemptDuration = new Histogram({
            name: 'framecast_job_attempt_duration_seconds',
            help: 'Duration of a job attempt from claim to its outcome, in seconds, by outcome.',
            labelNames: ['outcome'],
            buckets: JOB_BUCKETS,
            registers,
        });
        this.failures = new Counter({
            name: 'framecast_job_failures_total',
            help: 'Failed job attempts by error code and whether the error was retryable.',
            labelNames: ['code', 'retryable'],
            registers,
        });
        this.queueWait = new Histogram({
            name: 'framecast_job_queue_wait_seconds',
            help: 'Time a job waited from becoming runnable to being claimed, in seconds.',
            buckets: WAIT_BUCKETS,
            registers,
        });
        const queueDepth = options.queueDepth;
        if (queueDepth !== undefined) {
            new Gauge({
                name: 'framecast_jobs',
                help: 'Jobs in the store by status (queue depth), read at scrape time.',
                labelNames: ['status'],
                registers,
                async collect() {
                    const counts = await queueDepth().catch(() => null);
                    this.reset();
                    if (counts === null)
                        return;
                    for (const [status, count] of Object.entries(counts))
                        this.set({ status }, count);
                },
            });
        }
    }
    get contentType() {
        return this.registry.contentType;
    }
    render() {
        return this.registry.metrics();
    }
    jobStarted(waitSeconds) {
        this.queueWait.observe(Math.max(0, waitSeconds));
    }
    stageCompleted(stage, seconds) {
        this.stageDuration.observe({ stage }, Math.max(0, seconds));
    }
    jobFinished(outcome, seconds) {
        this.attemptDuration.observe({ outcome }, Math.max(0, seconds));
    }
    jobFailed(code, retryable) {
        this.failures.inc({ code, retryable: String(retryable) });
    }
    httpRequestFinished(method, route, statusCode, seconds) {
        this.httpDuration.observe({ method, route, status_class: `${Math.floor(statusCode / 100)}xx` }, Math.max(0, seconds));
    }
}
//# sourceMappingURL=prom-metrics.js.map