import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { err, ok, ResultAsync, type Result } from 'neverthrow';
import { Webhook } from 'standardwebhooks';
import type {
  WebhookRefused,
  WebhookRequest,
  WebhookResponse,
  WebhookSender,
  WebhookUnreachable,
} from '../../ports/webhook-sender.js';
import { refusedNetworkOf } from './address-policy.js';

/** Sent as `user-agent` on every webhook request. */
export const WEBHOOK_USER_AGENT = 'Framecast-Webhooks/1';
/** Response bytes read before the connection is dropped (the body is ignored). */
const MAX_RESPONSE_BYTES = 64 * 1024;

export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

export interface NodeHttpWebhookSenderOptions {
  /** The signing secret: `whsec_` + base64 of 24–64 random bytes (Standard Webhooks). */
  readonly secret: string;
  /** Whole-request limit (connect, send, response headers), in ms. */
  readonly timeoutMs: number;
  /**
   * When false (production default), destinations that resolve to loopback, private, link-local,
   * unique-local, CGNAT, unspecified, multicast or reserved addresses are refused (SSRF guard).
   */
  readonly allowPrivateNetworks: boolean;
  /** Resolves a host name to every address (default: `dns.lookup` with `all: true`). For tests. */
  readonly resolve?: (hostname: string) => Promise<readonly ResolvedAddress[]>;
}

const defaultResolve = async (hostname: string): Promise<readonly ResolvedAddress[]> =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => ({
    address: a.address,
    family: a.family === 6 ? 6 : 4,
  }));

type SendError = WebhookRefused | WebhookUnreachable;

const refused = (reason: string): WebhookRefused => ({ type: 'WebhookRefused', reason });
const unreachable = (reason: string): WebhookUnreachable => ({ type: 'WebhookUnreachable', reason });

/**
 * {@link WebhookSender} over `node:http`/`node:https`, signing with the Standard Webhooks
 * reference library (`standardwebhooks`): headers `webhook-id`, `webhook-timestamp` (Unix
 * seconds), `webhook-signature` (`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`).
 *
 * SSRF guard: the host is resolved once (every address), each address is checked against
 * {@link refusedNetworkOf}, and the connection goes to the checked address through a pinned
 * `lookup` (so DNS cannot change between the check and the connect; TLS still verifies the
 * host name). Redirects are never followed (a 3xx is just a non-2xx answer).
 */
export class NodeHttpWebhookSender implements WebhookSender {
  private readonly signer: Webhook;
  private readonly resolve: (hostname: string) => Promise<readonly ResolvedAddress[]>;

  /** @throws Error when `secret` is not a valid Standard Webhooks secret. */
  constructor(private readonly options: NodeHttpWebhookSenderOptions) {
    this.signer = new Webhook(options.secret);
    this.resolve = options.resolve ?? defaultResolve;
  }

  send(request: WebhookRequest): ResultAsync<WebhookResponse, SendError> {
    return new ResultAsync(this.attempt(request));
  }

  private async attempt(request: WebhookRequest): Promise<Result<WebhookResponse, SendError>> {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return err(refused('not an absolute URL'));
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      return err(refused(`scheme ${url.protocol} is not http or https`));
    if (url.username !== '' || url.password !== '') return err(refused('URLs with credentials are not sent'));
    const host = url.hostname.replace(/^\[|\]$/g, '');

    let addresses: readonly ResolvedAddress[];
    if (isIP(host) !== 0) addresses = [{ address: host, family: isIP(host) === 6 ? 6 : 4 }];
    else {
      try {
        addresses = await this.resolve(host);
      } catch (error) {
        return err(unreachable(`DNS lookup of ${host} failed (${codeOf(error)})`));
      }
      if (addresses.length === 0) return err(unreachable(`DNS lookup of ${host} found no address`));
    }
    if (!this.options.allowPrivateNetworks) {
      for (const a of addresses) {
        const network = refusedNetworkOf(a.address);
        if (network !== null)
          return err(
            refused(
              `${host === a.address ? `${host} is` : `${host} resolves to ${a.address},`} a ${network} address; webhooks may reach only public addresses (WEBHOOK_ALLOW_PRIVATE_NETWORKS=false)`,
            ),
          );
      }
    }
    const pinned = addresses[0] as ResolvedAddress;
    const lookup = ((_hostname: string, opts: { all?: boolean }, callback: (...args: unknown[]) => void) => {
      if (opts.all === true) callback(null, [{ address: pinned.address, family: pinned.family }]);
      else callback(null, pinned.address, pinned.family);
    }) as unknown as LookupFunction;

    const timestamp = request.timestamp;
    const headers = {
      'content-type': 'application/json',
      'user-agent': WEBHOOK_USER_AGENT,
      'webhook-id': request.id,
      'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
      'webhook-signature': this.signer.sign(request.id, timestamp, request.body),
      'content-length': String(Buffer.byteLength(request.body)),
    };
    const client = url.protocol === 'https:' ? https : http;
    const timeoutMs = this.options.timeoutMs;
    return new Promise((resolve) => {
      let settled = false;
      const finish = (result: Result<WebhookResponse, SendError>): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(result);
      };
      const req = client.request(url, { method: 'POST', headers, lookup, agent: false }, (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (bytes > MAX_RESPONSE_BYTES) res.destroy();
        });
        res.on('error', () => undefined);
        finish(ok({ statusCode: res.statusCode ?? 0 }));
        res.resume();
      });
      const timer = setTimeout(() => {
        finish(err(unreachable(`no answer within ${timeoutMs} ms`)));
        req.destroy();
      }, timeoutMs);
      req.on('error', (error) => finish(err(unreachable(`${codeOf(error)} connecting to ${url.host}`))));
      req.end(request.body);
    });
  }
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.message : String(error);
}
