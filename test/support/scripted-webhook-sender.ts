import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import type {
  WebhookRefused,
  WebhookRequest,
  WebhookResponse,
  WebhookSender,
  WebhookUnreachable,
} from '../../src/ports/webhook-sender.js';

/** One scripted answer: an HTTP status, or a failure without an answer. */
export type ScriptedAnswer = number | WebhookRefused | WebhookUnreachable;

/**
 * A {@link WebhookSender} for use-case tests: records every request and answers from `script`
 * in order (the last answer repeats; default 200).
 */
export class ScriptedWebhookSender implements WebhookSender {
  readonly requests: WebhookRequest[] = [];

  constructor(private readonly script: ScriptedAnswer[] = [200]) {}

  send(request: WebhookRequest): ResultAsync<WebhookResponse, WebhookRefused | WebhookUnreachable> {
    this.requests.push({ ...request, timestamp: new Date(request.timestamp) });
    const answer = this.script[Math.min(this.requests.length - 1, this.script.length - 1)] ?? 200;
    return typeof answer === 'number' ? okAsync({ statusCode: answer }) : errAsync(answer);
  }
}
