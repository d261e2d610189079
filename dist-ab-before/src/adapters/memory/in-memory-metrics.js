/**
 * {@link Metrics} that keeps every report in plain arrays and maps, so tests assert what was
 * measured (stage durations, outcomes, failures by code) rather than that a method was called.
 */
export class InMemoryMetrics {
    queueWaits = [];
    stages = [];
    outcomes = [];
    /** Failure count by error code. */
    failures = new Map();
    requests = [];
    jobStarted(waitSeconds) {
        this.queueWaits.push(waitSeconds);
    }
    stageCompleted(stage, seconds) {
        this.stages.push({ stage, seconds });
    }
    jobFinished(outcome, seconds) {
        this.outcomes.push({ outcome, seconds });
    }
    jobFailed(code, _retryable) {
        this.failures.set(code, (this.failures.get(code) ?? 0) + 1);
    }
    httpRequestFinished(method, route, statusCode, seconds) {
        this.requests.push({ method, route, statusCode, seconds });
    }
    /** Outcome count by kind. */
    outcomeCounts() {
        const counts = {};
        for (const { outcome } of this.outcomes)
            counts[outcome] = (counts[outcome] ?? 0) + 1;
        return counts;
    }
}
//# sourceMappingURL=in-memory-metrics.js.map