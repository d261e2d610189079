import fastifyHelmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import Fastify, { type FastifyInstance } from 'fastify';

/**
 * The security headers `@fastify/helmet` sends with `options`, computed once: the plugin is
 * registered on a throwaway Fastify instance, one request is injected, and every header it adds
 * (compared with the same instance's answer without the plugin) is kept, lowercase name -> value.
 * Only for static options (no per-request CSP nonces).
 */
export async function precomputeSecurityHeaders(
  options: FastifyHelmetOptions,
): Promise<Record<string, string>> {
  const answer = async (withHelmet: boolean): Promise<Record<string, unknown>> => {
    const probe = Fastify({ logger: false });
    if (withHelmet) await probe.register(fastifyHelmet, options);
    probe.get('/', async () => 'ok');
    const res = await probe.inject({ method: 'GET', url: '/' });
    await probe.close();
    return res.headers;
  };
  const [plain, helmeted] = await Promise.all([answer(false), answer(true)]);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(helmeted))
    if (!(name in plain) && value !== undefined) headers[name] = String(value);
  return headers;
}

/**
 * Sends the headers `@fastify/helmet` would send with `options` on every response, from values
 * computed once at start-up. (`@fastify/helmet` runs helmet's whole middleware chain, re-parsing
 * the CSP directives, on every request: ~3–5% of the CPU of a small JSON route, see
 * docs/benchmarks.md.) Set in `onRequest`, like the plugin, so routes may still override them.
 */
export async function registerSecurityHeaders(
  app: FastifyInstance,
  options: FastifyHelmetOptions,
): Promise<void> {
  const headers = await precomputeSecurityHeaders(options);
  app.addHook('onRequest', (_request, reply, done) => {
    void reply.headers(headers);
    done();
  });
}
