import { afterEach, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import {
  NodeHttpWebhookSender,
  type ResolvedAddress,
} from '../../../src/adapters/http-client/node-http-webhook-sender.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const BODY = JSON.stringify({
  type: 'job.completed',
  timestamp: '2026-11-21T10:00:00.000Z',
  data: { job: { id: 'j1' } },
});

let receiver: WebhookReceiver | null = null;
afterEach(async () => {
  await receiver?.close();
  receiver = null;
});

const sender = (overrides: Partial<ConstructorParameters<typeof NodeHttpWebhookSender>[0]> = {}) =>
  new NodeHttpWebhookSender({ secret: SECRET, timeoutMs: 2_000, allowPrivateNetworks: true, ...overrides });

describe('NodeHttpWebhookSender', () => {
  it('POSTs the body with Standard Webhooks headers that standardwebhooks verifies', async () => {
    receiver = await startWebhookReceiver((_r, _i, res) => res.writeHead(204).end());
    const now = new Date();
    const sent = await sender().send({
      url: `${receiver.origin}/hooks?x=1`,
      id: 'msg_abc',
      timestamp: now,
      body: BODY,
    });

    expect(sent._unsafeUnwrap()).toEqual({ statusCode: 204 });
    const [r] = receiver.received;
    expect(r).toMatchObject({ method: 'POST', url: '/hooks?x=1', body: BODY });
    expect(r!.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'Framecast-Webhooks/1',
      'webhook-id': 'msg_abc',
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    });
    expect(r!.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+={0,2}$/);
    const headers = {
      'webhook-id': String(r!.headers['webhook-id']),
      'webhook-timestamp': String(r!.headers['webhook-timestamp']),
      'webhook-signature': String(r!.headers['webhook-signature']),
    };
    expect(new Webhook(SECRET).verify(r!.body, headers)).toEqual(JSON.parse(BODY));
    // Another secret, or a changed body, does not verify.
    expect(() =>
      new Webhook('whsec_' + Buffer.alloc(32, 7).toString('base64')).verify(r!.body, headers),
    ).toThrow();
    expect(() => new Webhook(SECRET).verify(r!.body.replace('j1', 'j2'), headers)).toThrow();
  });

  it('reports any status as an answer and does not follow redirects', async () => {
    receiver = await startWebhookReceiver((_r, _i, res) =>
      res.writeHead(307, { location: '/elsewhere' }).end(),
    );
    const sent = await sender().send({
      url: `${receiver.origin}/hooks`,
      id: 'msg_1',
      timestamp: new Date(),
      body: BODY,
    });
    expect(sent._unsafeUnwrap()).toEqual({ statusCode: 307 });
    await new Promise((r) => setTimeout(r, 100));
    expect(receiver.received.map((r) => r.url)).toEqual(['/hooks']);
  });

  it('with the guard on, refuses loopback destinations without sending anything', async () => {
    receiver = await startWebhookReceiver();
    const guarded = sender({ allowPrivateNetworks: false });
    for (const url of [
      `${receiver.origin}/h`,
      `http://localhost:${receiver.port}/h`,
      `http://[::ffff:127.0.0.1]:${receiver.port}/h`,
    ]) {
      const sent = await guarded.send({ url, id: 'msg_1', timestamp: new Date(), body: BODY });
      expect(sent._unsafeUnwrapErr()).toMatchObject({ type: 'WebhookRefused' });
      expect(sent._unsafeUnwrapErr().reason).toMatch(/loopback address/);
    }
    expect(receiver.received).toEqual([]);
  });

  it('refuses a host when any of its addresses is private, and other schemes', async () => {
    const resolve = async (): Promise<ResolvedAddress[]> => [
      { address: '93.184.216.34', family: 4 },
      { address: '10.1.2.3', family: 4 },
    ];
    const guarded = sender({ allowPrivateNetworks: false, resolve });
    const sent = await guarded.send({
      url: 'https://hooks.example.com/h',
      id: 'm',
      timestamp: new Date(),
      body: BODY,
    });
    expect(sent._unsafeUnwrapErr()).toEqual({
      type: 'WebhookRefused',
      reason:
        'hooks.example.com resolves to 10.1.2.3, a private address; webhooks may reach only public addresses (WEBHOOK_ALLOW_PRIVATE_NETWORKS=false)',
    });
    const ftp = await guarded.send({
      url: 'ftp://hooks.example.com/h',
      id: 'm',
      timestamp: new Date(),
      body: BODY,
    });
    expect(ftp._unsafeUnwrapErr()).toMatchObject({
      type: 'WebhookRefused',
      reason: 'scheme ftp: is not http or https',
    });
  });

  it('connects to the address it checked (DNS is consulted once) and keeps the Host header', async () => {
    receiver = await startWebhookReceiver();
    const lookups: string[] = [];
    const resolve = async (host: string): Promise<ResolvedAddress[]> => {
      lookups.push(host);
      // A rebinding resolver would answer differently the second time; there is no second time.
      return lookups.length === 1
        ? [{ address: '127.0.0.1', family: 4 }]
        : [{ address: '10.9.9.9', family: 4 }];
    };
    const sent = await sender({ resolve }).send({
      url: `http://hooks.example.test:${receiver.port}/pinned`,
      id: 'msg_p',
      timestamp: new Date(),
      body: BODY,
    });
    expect(sent._unsafeUnwrap()).toEqual({ statusCode: 200 });
    expect(lookups).toEqual(['hooks.example.test']);
    expect(receiver.received[0]!.headers.host).toBe(`hooks.example.test:${receiver.port}`);
  });

  it('reports no answer for a refused connection, a DNS failure and a receiver that hangs', async () => {
    receiver = await startWebhookReceiver(() => undefined); // never answers
    const s = sender({ timeoutMs: 200 });
    const hung = await s.send({ url: `${receiver.origin}/slow`, id: 'm', timestamp: new Date(), body: BODY });
    expect(hung._unsafeUnwrapErr()).toEqual({
      type: 'WebhookUnreachable',
      reason: 'no answer within 200 ms',
    });

    const refused = await s.send({ url: 'http://127.0.0.1:1/h', id: 'm', timestamp: new Date(), body: BODY });
    expect(refused._unsafeUnwrapErr()).toMatchObject({ type: 'WebhookUnreachable' });
    expect(refused._unsafeUnwrapErr().reason).toContain('ECONNREFUSED');

    const noDns = await sender({
      resolve: () => Promise.reject(Object.assign(new Error('not found'), { code: 'ENOTFOUND' })),
    }).send({ url: 'https://nowhere.invalid/h', id: 'm', timestamp: new Date(), body: BODY });
    expect(noDns._unsafeUnwrapErr()).toEqual({
      type: 'WebhookUnreachable',
      reason: 'DNS lookup of nowhere.invalid failed (ENOTFOUND)',
    });
  });

  it('refuses to start with a secret that is not a Standard Webhooks secret', () => {
    expect(() => sender({ secret: 'whsec_***' })).toThrow();
  });
});
