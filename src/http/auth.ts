import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthenticateApiKey } from '../application/authenticate-api-key.js';
import type { AuthenticateSession } from '../application/authenticate-session.js';
import { isAdmin, type Principal } from '../domain/principal.js';
import { sendError } from './problem.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller; set by the auth hook on every non-public `/api/v1` route. */
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** Routes that answer without credentials (liveness and readiness probes). */
    public?: boolean;
  }
}

export interface AuthDeps {
  readonly authenticateApiKey: AuthenticateApiKey;
  /** `null` when no identity provider is configured: Bearer tokens are then refused. */
  readonly authenticateSession: AuthenticateSession | null;
}

/**
 * Authentication for `/api/v1`: `Authorization: Bearer <session JWT>` (Clerk, verified without
 * network calls) or `X-API-Key: <key>` (service keys, stored hashed). Runs in `onRequest`, so
 * anonymous requests get 401 before their body is read or validated.
 */
export function registerAuth(app: FastifyInstance, deps: AuthDeps): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.routeOptions.config.public === true) return;
    const authorization = request.headers.authorization;
    if (authorization !== undefined && authorization !== '') {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      if (!m?.[1])
        return sendError(reply, {
          type: 'Unauthenticated',
          reason: 'Authorization must be "Bearer <token>"',
        });
      if (deps.authenticateSession === null)
        return sendError(reply, {
          type: 'Unauthenticated',
          reason: 'session tokens are not enabled on this server',
        });
      const result = await deps.authenticateSession.execute(m[1]);
      if (result.isErr()) return sendError(reply, result.error);
      request.principal = result.value;
      return undefined;
    }
    const header = request.headers['x-api-key'];
    const key = Array.isArray(header) ? header[0] : header;
    if (key === undefined || key === '') {
      return sendError(reply, { type: 'Unauthenticated', reason: 'no credentials' });
    }
    const cached = deps.authenticateApiKey.cached(key);
    if (cached !== null) {
      request.principal = cached;
      return undefined;
    }
    const result = await deps.authenticateApiKey.execute(key);
    if (result.isErr()) return sendError(reply, result.error);
    request.principal = result.value;
    return undefined;
  });
}

/** The principal of an authenticated route (the auth hook guarantees it). */
export function principalOf(request: FastifyRequest): Principal {
  if (request.principal === null) throw new Error('principalOf() on an unauthenticated route');
  return request.principal;
}

/**
 * Admin guard for `/system/*` admin routes (role `admin` or API-key scope `admin`): sends a 403
 * problem and returns `false` when the caller is not an admin. Use as
 * `if (!requireAdmin(request, reply)) return reply;`.
 */
export function requireAdmin(request: FastifyRequest, reply: FastifyReply): boolean {
  if (isAdmin(principalOf(request))) return true;
  void sendError(reply, {
    type: 'Forbidden',
    reason: 'This operation needs the admin role or the admin scope.',
  });
  return false;
}
