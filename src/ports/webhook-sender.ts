import type { ResultAsync } from 'neverthrow';

/** One signed POST of a webhook event. */
export interface WebhookRequest {
  readonly url: string;
  /** The `webhook-id` header: the delivery's id, the same on every retry. */
  readonly id: string;
  /** The `webhook-timestamp` of this attempt (sent in whole seconds). */
  readonly timestamp: Date;
  /** The JSON body, signed as sent. */
  readonly body: string;
}

/** The receiver answered (any status); `statusCode` tells whether it accepted the event. */
export interface WebhookResponse {
  readonly statusCode: number;
}

/** The destination is not allowed (scheme, or an address in a refused network): never retried. */
export interface WebhookRefused {
  readonly type: 'WebhookRefused';
  readonly reason: string;
}

/** No answer: DNS failure, connection refused or reset, TLS error, timeout. Worth retrying. */
export interface WebhookUnreachable {
  readonly type: 'WebhookUnreachable';
  readonly reason: string;
}

/**
 * Sends webhook events as Standard Webhooks requests (`webhook-id`, `webhook-timestamp`,
 * `webhook-signature` headers, JSON body). Redirects are not followed.
 */
export interface WebhookSender {
  send(request: WebhookRequest): ResultAsync<WebhookResponse, WebhookRefused | WebhookUnreachable>;
}
