import { ResultAsync } from 'neverthrow';
import { webhookRetryDelayMs, } from '../domain/webhook-delivery.js';
/**
 * The webhook outbox's dispatcher (DESIGN §5 `callbackUrl`). One pass: enqueue a delivery for
 * every finished job with a callback URL that has none yet, claim the due deliveries, POST each
 * (signed by the sender), then mark it delivered (2xx), due again after the next delay of the
 * retry schedule (another status, or no answer), or failed (schedule used up, or a destination
 * the sender refuses). Delivery is at least once: a dispatcher that dies mid-attempt leaves a
 * claim that is due again after `leaseMs`; receivers deduplicate by `webhook-id`.
 */
export class DispatchWebhooks {
    deps;
    constructor(deps) {
        this.deps = deps;
    }
    /** Runs one pass. Errs only when the outbox cannot be read; per-delivery failures are recorded. */
    execute() {
        const { deliveries, settings } = this.deps;
        return deliveries.enqueueForFinishedJobs().andThen((enqueued) => deliveries.claimDue(settings.batchSize, settings.leaseMs).andThen((claimed) => ResultAsync.fromSafePromise(Promise.all(claimed.map((d) => this.attempt(d)))).map((outcomes) => ({
            enqueued,
            attempted: claimed.length,
            delivered: outcomes.filter((o) => o === 'delivered').length,
            retrying: outcomes.filter((o) => o === 'retrying').length,
            failed: outcomes.filter((o) => o === 'failed').length,
        }))));
    }
    async attempt(delivery) {
        const log = this.deps.logger;
        try {
            const payload = await this.payloadOf(delivery);
            if (payload === 'job-gone') {
                await this.settle(delivery, 'failed', {
                    attempt: delivery.attempts,
                    payload: null,
                    statusCode: null,
                    error: 'the job was deleted before its event could be sent',
                });
                return 'failed';
            }
            if (payload === null)
                return 'skipped'; // database trouble: the claim expires and it is retried
            const sent = await this.deps.sender.send({
                url: delivery.url,
                id: delivery.id,
                timestamp: this.deps.clock.now(),
                body: payload,
            });
            const base = { attempt: delivery.attempts, payload };
            if (sent.isOk() && sent.value.statusCode >= 200 && sent.value.statusCode < 300) {
                await this.settle(delivery, 'delivered', { ...base, statusCode: sent.value.statusCode });
                return 'delivered';
            }
            const statusCode = sent.isOk() ? sent.value.statusCode : null;
            const error = sent.isOk()
                ? `receiver answered HTTP ${sent.value.statusCode}`
                : sent.error.type === 'WebhookRefused'
                    ? `refused: ${sent.error.reason}`
                    : `no answer: ${sent.error.reason}`;
            const delay = sent.isErr() && sent.error.type === 'WebhookRefused'
                ? null
                : webhookRetryDelayMs(this.deps.settings.retryScheduleMs, delivery.attempts, this.deps.settings.jitter, (this.deps.random ?? Math.random)());
            if (delay === null) {
                await this.settle(delivery, 'failed', { ...base, statusCode, error });
                log.warn({ deliveryId: delivery.id, jobId: delivery.jobId, attempts: delivery.attempts, error }, 'webhook delivery failed for good');
                return 'failed';
            }
            const nextAttemptAt = new Date(this.deps.clock.now().getTime() + delay);
            await this.settle(delivery, 'retry', { ...base, statusCode, error, nextAttemptAt });
            log.info({
                deliveryId: delivery.id,
                jobId: delivery.jobId,
                attempts: delivery.attempts,
                error,
                delayMs: delay,
            }, 'webhook delivery will be retried');
            return 'retrying';
        }
        catch (error) {
            log.error({ deliveryId: delivery.id, err: String(error) }, 'webhook attempt crashed');
            return 'skipped';
        }
    }
    /** The frozen body, or a new one from the job's current state (first attempt). */
    async payloadOf(delivery) {
        if (delivery.payload !== null)
            return delivery.payload;
        const found = await this.deps.jobs.findById(delivery.jobId);
        if (found.isErr()) {
            if (found.error.type === 'JobNotFound')
                return 'job-gone';
            this.deps.logger.warn({ jobId: delivery.jobId, err: found.error.message }, 'webhook job unreadable');
            return null;
        }
        return JSON.stringify(webhookEventBody(delivery.eventType, found.value, this.deps.presentJob));
    }
    async settle(delivery, as, record) {
        const { deliveries } = this.deps;
        const marked = as === 'delivered' && record.payload !== null
            ? await deliveries.markDelivered(delivery.id, { ...record, payload: record.payload })
            : as === 'retry' && record.payload !== null && record.nextAttemptAt !== undefined
                ? await deliveries.markRetry(delivery.id, {
                    ...record,
                    payload: record.payload,
                    nextAttemptAt: record.nextAttemptAt,
                    error: record.error ?? 'unknown',
                })
                : await deliveries.markFailed(delivery.id, { ...record, error: record.error ?? 'unknown' });
        if (marked.isErr())
            this.deps.logger.warn({ deliveryId: delivery.id, err: marked.error.message }, 'webhook attempt not recorded; it will be retried after its lease');
        else if (!marked.value)
            this.deps.logger.warn({ deliveryId: delivery.id }, 'webhook claim was taken over meanwhile');
    }
}
/** The event body for `job` (Standard Webhooks shape); `timestamp` is the job's finish time. */
export function webhookEventBody(type, job, presentJob) {
    return {
        type,
        timestamp: (job.finishedAt ?? job.updatedAt).toISOString(),
        data: { job: presentJob(job) },
    };
}
//# sourceMappingURL=dispatch-webhooks.js.map