import type { ResultAsync } from 'neverthrow';
import type { WebhookDelivery } from '../domain/webhook-delivery.js';
import type { DatabaseUnavailable } from './errors.js';

/** How far back the outbox query looks for finished jobs: 7 days, in ms. */
export const WEBHOOK_OUTBOX_LOOKBACK_MS = 7 * 24 * 3_600_000;

/** What an attempt leaves behind (the mark methods take it). */
export interface WebhookAttemptRecord {
  /** The attempt being settled: the delivery's `attempts` when it was claimed (a fence). */
  readonly attempt: number;
  /** The body sent; stored only when none was stored yet (the first attempt freezes it). */
  readonly payload: string;
  /** HTTP status of the receiver's answer, `null` when none came. */
  readonly statusCode: number | null;
}

/**
 * The webhook outbox (DESIGN §5): one delivery per terminal job event, found by query from the
 * jobs table, so no use case that finishes a job has to write here and nothing is lost when a
 * process dies between finishing a job and calling its receiver. Times are the store's clock.
 */
export interface WebhookDeliveryRepository {
  /**
   * Adds a pending delivery, due now, for every job in a terminal status (completed, failed,
   * cancelled) whose spec has a `callbackUrl` and that has no delivery of that event yet, among
   * jobs changed in the last {@link WEBHOOK_OUTBOX_LOOKBACK_MS} (which bounds the scan; a
   * dispatcher down for longer misses older events). The delivery id is derived from the job id
   * and event type. Idempotent and safe to run concurrently (one delivery per job and event type).
   * @returns how many deliveries were added.
   */
  enqueueForFinishedJobs(): ResultAsync<number, DatabaseUnavailable>;

  /**
   * Claims up to `limit` pending deliveries that are due, oldest due first: each has `attempts`
   * incremented and `nextAttemptAt` moved `leaseMs` ahead, so a claim whose dispatcher dies is
   * due again after the lease. Two claimers never receive the same delivery.
   */
  claimDue(limit: number, leaseMs: number): ResultAsync<WebhookDelivery[], DatabaseUnavailable>;

  /**
   * Settles a claimed attempt as delivered (2xx).
   * @returns `false` when the attempt no longer holds the delivery (another claim took it over).
   */
  markDelivered(id: string, record: WebhookAttemptRecord): ResultAsync<boolean, DatabaseUnavailable>;

  /** Schedules another attempt at `nextAttemptAt`, keeping `error` as the last error. */
  markRetry(
    id: string,
    record: WebhookAttemptRecord & { readonly nextAttemptAt: Date; readonly error: string },
  ): ResultAsync<boolean, DatabaseUnavailable>;

  /** Gives up: the delivery is `failed` for good with `error` as the reason. */
  markFailed(
    id: string,
    record: Omit<WebhookAttemptRecord, 'payload'> & {
      readonly payload: string | null;
      readonly error: string;
    },
  ): ResultAsync<boolean, DatabaseUnavailable>;

  /** Every delivery of a job, oldest first. */
  listForJob(jobId: string): ResultAsync<WebhookDelivery[], DatabaseUnavailable>;
}
