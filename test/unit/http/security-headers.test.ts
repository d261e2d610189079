import fastifyHelmet from '@fastify/helmet';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { precomputeSecurityHeaders, registerSecurityHeaders } from '../../../src/http/security-headers.js';

const OPTIONS = {
  contentSecurityPolicy: {
    directives: {
      'default-src': ["'self'"],
      'img-src': ["'self'", 'data:'],
      'upgrade-insecure-requests': null,
    },
  },
  crossOriginEmbedderPolicy: false,
} as const;

describe('precomputed security headers', () => {
  it('sends exactly the headers @fastify/helmet sends with the same options', async () => {
    const withPlugin = Fastify();
    await withPlugin.register(fastifyHelmet, OPTIONS);
    withPlugin.get('/x', async () => ({ ok: true }));
    const precomputed = Fastify();
    await registerSecurityHeaders(precomputed, OPTIONS);
    precomputed.get('/x', async () => ({ ok: true }));

    const a = await withPlugin.inject({ method: 'GET', url: '/x' });
    const b = await precomputed.inject({ method: 'GET', url: '/x' });
    const strip = (h: Record<string, unknown>): Record<string, unknown> => {
      const { date: _date, ...rest } = h;
      return rest;
    };
    expect(strip(b.headers)).toEqual(strip(a.headers));
    expect(b.headers['content-security-policy']).toContain("img-src 'self' data:");
    expect(b.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    expect(b.headers['cross-origin-embedder-policy']).toBeUndefined();
    await withPlugin.close();
    await precomputed.close();
  });

  it('lets a route override a header', async () => {
    const app = Fastify();
    await registerSecurityHeaders(app, OPTIONS);
    app.get('/frame', async (_request, reply) => {
      void reply.header('x-frame-options', 'DENY');
      return 'ok';
    });
    expect((await app.inject({ method: 'GET', url: '/frame' })).headers['x-frame-options']).toBe('DENY');
    await app.close();
  });

  it('computes the helmet headers only (no content-type, length or date)', async () => {
    const headers = await precomputeSecurityHeaders(OPTIONS);
    expect(Object.keys(headers)).toContain('strict-transport-security');
    expect(Object.keys(headers)).not.toContain('content-type');
    expect(Object.keys(headers)).not.toContain('date');
  });
});
