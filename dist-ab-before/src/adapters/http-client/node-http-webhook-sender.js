import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { err, ok, ResultAsync } from 'neverthrow';
import { Webhook } from 'standardwebhooks';
import { refusedNetworkOf } from './address-policy.js';
/** Sent as `user-agent` on every webhook request. */
export const WEBHOOK_USER_AGENT = 'Framecast-Webhooks/1';
/** Response bytes read before the connection is dropped (the body is ignored). */
const MAX_RESPONSE_BYTES = 64 * 1024;
const defaultResolve = async (hostname) => (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => ({
    address: a.address,
    family: a.family === 6 ? 6 : 4,
}));
const refused = (reason) => ({ type: 'WebhookRefused', reason });
const unreachable = (reason) => ({ type: 'WebhookUnreachable', reason });
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
export class NodeHttpWebhookSender {
    options;
    signer;
    resolve;
    /** @throws Error when `secret` is not a valid Standard Webhooks secret. */
    constructor(options) {
        this.options = options;
        this.signer = new Webhook(options.secret);
        this.resolve = options.resolve ?? defaultResolve;
    }
    send(request) {
        return new ResultAsync(this.attempt(request));
    }
    async attempt(request) {
        let url;
        try {
            url = new URL(request.url);
        }
        catch {
            return err(refused('not an absolute URL'));
        }
        if (url.protocol !== 'http:' && url.protocol !== 'https:')
            return err(refused(`scheme ${url.protocol} is not http or https`));
        if (url.username !== '' || url.password !== '')
            return err(refused('URLs with credentials are not sent'));
        const host = url.hostname.replace(/^\[|\]$/g, '');
        let addresses;
        if (isIP(host) !== 0)
            addresses = [{ address: host, family: isIP(host) === 6 ? 6 : 4 }];
        else {
            try {
                addresses = await this.resolve(host);
            }
            catch (error) {
                return err(unreachable(`DNS lookup of ${host} failed (${codeOf(error)})`));
            }
            if (addresses.length === 0)
                return err(unreachable(`DNS lookup of ${host} found no address`));
        }
        if (!this.options.allowPrivateNetworks) {
            for (const a of addresses) {
                const network = refusedNetworkOf(a.address);
                if (network !== null)
                    return err(refused(`${host === a.address ? `${host} is` : `${host} resolves to ${a.address},`} a ${network} address; webhooks may reach only public addresses (WEBHOOK_ALLOW_PRIVATE_NETWORKS=false)`));
            }
        }
        const pinned = addresses[0];
        const lookup = ((_hostname, opts, callback) => {
            if (opts.all === true)
                callback(null, [{ address: pinned.address, family: pinned.family }]);
            else
                callback(null, pinned.address, pinned.family);
        });
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
            const finish = (result) => {
                if (settled)
                    return;
                settled = true;
                clearTimeout(timer);
                resolve(result);
            };
            const req = client.request(url, { method: 'POST', headers, lookup, agent: false }, (res) => {
                let bytes = 0;
                res.on('data', (chunk) => {
                    bytes += chunk.length;
                    if (bytes > MAX_RESPONSE_BYTES)
                        res.destroy();
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
function codeOf(error) {
    const code = error?.code;
    if (typeof code === 'string')
        return code;
    return error instanceof Error ? error.message : String(error);
}
//# sourceMappingURL=node-http-webhook-sender.js.map