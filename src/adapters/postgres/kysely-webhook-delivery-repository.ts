import { sql, type Kysely, type Selectable } from 'kysely';
import { ResultAsync } from 'neverthrow';
import {
  WEBHOOK_DELIVERY_STATUSES,
  WEBHOOK_EVENT_TYPES,
  type WebhookDelivery,
  type WebhookDeliveryStatus,
  type WebhookEventType,
} from '../../domain/webhook-delivery.js';
import type { DatabaseUnavailable } from '../../ports/errors.js';
import {
  WEBHOOK_OUTBOX_LOOKBACK_MS,
  type WebhookAttemptRecord,
  type WebhookDeliveryRepository,
} from '../../ports/webhook-delivery-repository.js';
import type { Database, WebhookDeliveriesTable } from './database.js';
import { toDatabaseUnavailable } from './database-error.js';

const EVENT_TYPES: readonly string[] = WEBHOOK_EVENT_TYPES;
const STATUSES: readonly string[] = WEBHOOK_DELIVERY_STATUSES;

function rowToDelivery(row: Selectable<WebhookDeliveriesTable>): WebhookDelivery {
  if (!EVENT_TYPES.includes(row.event_type) || !STATUSES.includes(row.status))
    throw new Error(
      `webhook_deliveries row ${row.id} cannot be read: event ${row.event_type}, status ${row.status}`,
    );
  return {
    id: row.id,
    jobId: row.job_id,
    ownerId: row.owner_id,
    url: row.url,
    eventType: row.event_type as WebhookEventType,
    payload: row.payload,
    status: row.status as WebhookDeliveryStatus,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    createdAt: row.created_at,
    deliveredAt: row.delivered_at,
  };
}

/**
 * {@link WebhookDeliveryRepository} over Kysely (PostgreSQL and PGlite). The outbox query is one
 * `INSERT ... SELECT ... ON CONFLICT DO NOTHING` over recently finished jobs; the claim is one
 * `UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED)`; every mark is fenced by the
 * attempt number. Times are the database's `now()`.
 */
export class KyselyWebhookDeliveryRepository implements WebhookDeliveryRepository {
  constructor(private readonly db: Kysely<Database>) {}

  enqueueForFinishedJobs(): ResultAsync<number, DatabaseUnavailable> {
    const lookback = `${WEBHOOK_OUTBOX_LOOKBACK_MS} milliseconds`;
    return ResultAsync.fromPromise(
      sql<{ id: string }>`
        INSERT INTO webhook_deliveries
          (id, job_id, owner_id, url, event_type, payload, status, attempts, next_attempt_at, created_at)
        SELECT 'msg_' || md5(j.id || '|job.' || j.status), j.id, j.owner_id, j.spec ->> 'callbackUrl',
               'job.' || j.status, NULL, 'pending', 0, now(), now()
        FROM jobs j
        WHERE j.status IN ('completed', 'failed', 'cancelled')
          AND (j.spec ->> 'callbackUrl') IS NOT NULL
          AND j.updated_at >= now() - ${lookback}::interval
          AND NOT EXISTS (
            SELECT 1 FROM webhook_deliveries d WHERE d.job_id = j.id AND d.event_type = 'job.' || j.status
          )
        ON CONFLICT DO NOTHING
        RETURNING id
      `.execute(this.db),
      toDatabaseUnavailable,
    ).map((result) => result.rows.length);
  }

  claimDue(limit: number, leaseMs: number): ResultAsync<WebhookDelivery[], DatabaseUnavailable> {
    const n = Math.max(0, Math.floor(limit));
    if (n === 0) return ResultAsync.fromSafePromise(Promise.resolve([]));
    return ResultAsync.fromPromise(
      sql<Selectable<WebhookDeliveriesTable> & { due_at: Date }>`
        WITH due AS (
          SELECT id, next_attempt_at AS due_at FROM webhook_deliveries
          WHERE status = 'pending' AND next_attempt_at <= now()
          ORDER BY next_attempt_at, id
          LIMIT ${n}::integer
          FOR UPDATE SKIP LOCKED
        )
        UPDATE webhook_deliveries w
        SET attempts = w.attempts + 1,
            next_attempt_at = now() + ${Math.max(0, Math.round(leaseMs))}::double precision * interval '1 millisecond'
        FROM due
        WHERE w.id = due.id
        RETURNING w.*, due.due_at
      `.execute(this.db),
      toDatabaseUnavailable,
    ).map((result) =>
      [...result.rows]
        .sort((a, b) => a.due_at.getTime() - b.due_at.getTime() || (a.id < b.id ? -1 : 1))
        .map(rowToDelivery),
    );
  }

  markDelivered(id: string, record: WebhookAttemptRecord): ResultAsync<boolean, DatabaseUnavailable> {
    return this.settle(id, record, {
      status: 'delivered',
      delivered_at: sql<Date>`now()`,
      next_attempt_at: null,
      last_error: null,
    });
  }

  markRetry(
    id: string,
    record: WebhookAttemptRecord & { readonly nextAttemptAt: Date; readonly error: string },
  ): ResultAsync<boolean, DatabaseUnavailable> {
    return this.settle(id, record, { next_attempt_at: record.nextAttemptAt, last_error: record.error });
  }

  markFailed(
    id: string,
    record: Omit<WebhookAttemptRecord, 'payload'> & {
      readonly payload: string | null;
      readonly error: string;
    },
  ): ResultAsync<boolean, DatabaseUnavailable> {
    return this.settle(id, record, { status: 'failed', next_attempt_at: null, last_error: record.error });
  }

  listForJob(jobId: string): ResultAsync<WebhookDelivery[], DatabaseUnavailable> {
    return ResultAsync.fromPromise(
      this.db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('job_id', '=', jobId)
        .orderBy('created_at')
        .orderBy('id')
        .execute(),
      toDatabaseUnavailable,
    ).map((rows) => rows.map(rowToDelivery));
  }

  private settle(
    id: string,
    record: { attempt: number; payload: string | null; statusCode: number | null },
    changes: {
      status?: WebhookDeliveryStatus;
      delivered_at?: ReturnType<typeof sql<Date>>;
      next_attempt_at: Date | null;
      last_error: string | null;
    },
  ): ResultAsync<boolean, DatabaseUnavailable> {
    return ResultAsync.fromPromise(
      this.db
        .updateTable('webhook_deliveries')
        .set({
          ...changes,
          last_status_code: record.statusCode,
          payload: sql<string | null>`COALESCE(payload, ${record.payload})`,
        })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .where('attempts', '=', record.attempt)
        .returning('id')
        .execute(),
      toDatabaseUnavailable,
    ).map((rows) => rows.length > 0);
  }
}
