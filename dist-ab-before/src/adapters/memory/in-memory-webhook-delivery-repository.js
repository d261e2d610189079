import { createHash } from 'node:crypto';
import { ok, ResultAsync } from 'neverthrow';
import { webhookEventTypeFor } from '../../domain/webhook-delivery.js';
import { WEBHOOK_OUTBOX_LOOKBACK_MS, } from '../../ports/webhook-delivery-repository.js';
/** Runs `step` on a later microtask; a throw (programmer error) rejects, as a database adapter's would. */
const later = (step) => new ResultAsync(Promise.resolve().then(step));
const copy = (d) => ({
    ...d,
    nextAttemptAt: d.nextAttemptAt === null ? null : new Date(d.nextAttemptAt),
    createdAt: new Date(d.createdAt),
    deliveredAt: d.deliveredAt === null ? null : new Date(d.deliveredAt),
});
const byDueThenId = (a, b) => (a.nextAttemptAt?.getTime() ?? 0) - (b.nextAttemptAt?.getTime() ?? 0) || (a.id < b.id ? -1 : 1);
/**
 * {@link WebhookDeliveryRepository} in memory, held to the same contract as the SQL adapter.
 * The outbox query reads the jobs of a sibling in-memory store (`jobs()`); times come from the
 * injected {@link Clock}; ids are derived as in SQL (`msg_` + md5 of job id and event type).
 */
export class InMemoryWebhookDeliveryRepository {
    jobs;
    clock;
    deliveries = new Map();
    /** @param jobs every stored job (e.g. `() => jobRepository.snapshot()`). */
    constructor(jobs, clock) {
        this.jobs = jobs;
        this.clock = clock;
    }
    enqueueForFinishedJobs() {
        return later(() => {
            const now = this.clock.now();
            const since = now.getTime() - WEBHOOK_OUTBOX_LOOKBACK_MS;
            let added = 0;
            for (const job of this.jobs()) {
                const eventType = webhookEventTypeFor(job.status);
                const url = job.spec.callbackUrl;
                if (eventType === null || url === undefined || job.updatedAt.getTime() < since)
                    continue;
                const id = `msg_${createHash('md5').update(`${job.id}|${eventType}`).digest('hex')}`;
                if (this.deliveries.has(id))
                    continue;
                this.deliveries.set(id, {
                    id,
                    jobId: job.id,
                    ownerId: job.ownerId,
                    url,
                    eventType,
                    payload: null,
                    status: 'pending',
                    attempts: 0,
                    nextAttemptAt: now,
                    lastStatusCode: null,
                    lastError: null,
                    createdAt: now,
                    deliveredAt: null,
                });
                added += 1;
            }
            return ok(added);
        });
    }
    claimDue(limit, leaseMs) {
        return later(() => {
            const now = this.clock.now();
            const due = [...this.deliveries.values()]
                .filter((d) => d.status === 'pending' && d.nextAttemptAt !== null && d.nextAttemptAt <= now)
                .sort(byDueThenId)
                .slice(0, Math.max(0, Math.floor(limit)));
            const claimed = due.map((d) => ({
                ...d,
                attempts: d.attempts + 1,
                nextAttemptAt: new Date(now.getTime() + Math.max(0, Math.round(leaseMs))),
            }));
            for (const d of claimed)
                this.deliveries.set(d.id, d);
            return ok(claimed.map(copy));
        });
    }
    markDelivered(id, record) {
        return this.settle(id, record, (d) => ({
            ...d,
            status: 'delivered',
            deliveredAt: this.clock.now(),
            nextAttemptAt: null,
            lastError: null,
        }));
    }
    markRetry(id, record) {
        return this.settle(id, record, (d) => ({
            ...d,
            nextAttemptAt: new Date(record.nextAttemptAt),
            lastError: record.error,
        }));
    }
    markFailed(id, record) {
        return this.settle(id, record, (d) => ({
            ...d,
            status: 'failed',
            nextAttemptAt: null,
            lastError: record.error,
        }));
    }
    listForJob(jobId) {
        return later(() => ok([...this.deliveries.values()]
            .filter((d) => d.jobId === jobId)
            .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1))
            .map(copy)));
    }
    settle(id, record, change) {
        return later(() => {
            const stored = this.deliveries.get(id);
            if (stored === undefined || stored.status !== 'pending' || stored.attempts !== record.attempt)
                return ok(false);
            this.deliveries.set(id, {
                ...change(stored),
                lastStatusCode: record.statusCode,
                payload: stored.payload ?? record.payload,
            });
            return ok(true);
        });
    }
}
//# sourceMappingURL=in-memory-webhook-delivery-repository.js.map