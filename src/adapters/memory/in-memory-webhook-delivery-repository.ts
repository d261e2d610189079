import { createHash } from 'node:crypto';
import { ok, ResultAsync, type Result } from 'neverthrow';
import type { Job } from '../../domain/job.js';
import { webhookEventTypeFor, type WebhookDelivery } from '../../domain/webhook-delivery.js';
import type { Clock } from '../../ports/clock.js';
import type { DatabaseUnavailable } from '../../ports/errors.js';
import {
  WEBHOOK_OUTBOX_LOOKBACK_MS,
  type WebhookAttemptRecord,
  type WebhookDeliveryRepository,
} from '../../ports/webhook-delivery-repository.js';

/** Runs `step` on a later microtask; a throw (programmer error) rejects, as a database adapter's would. */
const later = <T, E>(step: () => Result<T, E>): ResultAsync<T, E> =>
  new ResultAsync(Promise.resolve().then(step));

const copy = (d: WebhookDelivery): WebhookDelivery => ({
  ...d,
  nextAttemptAt: d.nextAttemptAt === null ? null : new Date(d.nextAttemptAt),
  createdAt: new Date(d.createdAt),
  deliveredAt: d.deliveredAt === null ? null : new Date(d.deliveredAt),
});

const byDueThenId = (a: WebhookDelivery, b: WebhookDelivery): number =>
  (a.nextAttemptAt?.getTime() ?? 0) - (b.nextAttemptAt?.getTime() ?? 0) || (a.id < b.id ? -1 : 1);

/**
 * {@link WebhookDeliveryRepository} in memory, held to the same contract as the SQL adapter.
 * The outbox query reads the jobs of a sibling in-memory store (`jobs()`); times come from the
 * injected {@link Clock}; ids are derived as in SQL (`msg_` + md5 of job id and event type).
 */
export class InMemoryWebhookDeliveryRepository implements WebhookDeliveryRepository {
  private readonly deliveries = new Map<string, WebhookDelivery>();

  /** @param jobs every stored job (e.g. `() => jobRepository.snapshot()`). */
  constructor(
    private readonly jobs: () => readonly Job[],
    private readonly clock: Clock,
  ) {}

  enqueueForFinishedJobs(): ResultAsync<number, DatabaseUnavailable> {
    return later(() => {
      const now = this.clock.now();
      const since = now.getTime() - WEBHOOK_OUTBOX_LOOKBACK_MS;
      let added = 0;
      for (const job of this.jobs()) {
        const eventType = webhookEventTypeFor(job.status);
        const url = job.spec.callbackUrl;
        if (eventType === null || url === undefined || job.updatedAt.getTime() < since) continue;
        const id = `msg_${createHash('md5').update(`${job.id}|${eventType}`).digest('hex')}`;
        if (this.deliveries.has(id)) continue;
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

  claimDue(limit: number, leaseMs: number): ResultAsync<WebhookDelivery[], DatabaseUnavailable> {
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
      for (const d of claimed) this.deliveries.set(d.id, d);
      return ok(claimed.map(copy));
    });
  }

  markDelivered(id: string, record: WebhookAttemptRecord): ResultAsync<boolean, DatabaseUnavailable> {
    return this.settle(id, record, (d) => ({
      ...d,
      status: 'delivered',
      deliveredAt: this.clock.now(),
      nextAttemptAt: null,
      lastError: null,
    }));
  }

  markRetry(
    id: string,
    record: WebhookAttemptRecord & { readonly nextAttemptAt: Date; readonly error: string },
  ): ResultAsync<boolean, DatabaseUnavailable> {
    return this.settle(id, record, (d) => ({
      ...d,
      nextAttemptAt: new Date(record.nextAttemptAt),
      lastError: record.error,
    }));
  }

  markFailed(
    id: string,
    record: Omit<WebhookAttemptRecord, 'payload'> & {
      readonly payload: string | null;
      readonly error: string;
    },
  ): ResultAsync<boolean, DatabaseUnavailable> {
    return this.settle(id, record, (d) => ({
      ...d,
      status: 'failed',
      nextAttemptAt: null,
      lastError: record.error,
    }));
  }

  listForJob(jobId: string): ResultAsync<WebhookDelivery[], DatabaseUnavailable> {
    return later(() =>
      ok(
        [...this.deliveries.values()]
          .filter((d) => d.jobId === jobId)
          .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1))
          .map(copy),
      ),
    );
  }

  private settle(
    id: string,
    record: { attempt: number; payload: string | null; statusCode: number | null },
    change: (d: WebhookDelivery) => WebhookDelivery,
  ): ResultAsync<boolean, DatabaseUnavailable> {
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
