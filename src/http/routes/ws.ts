import fastifyWebsocket from '@fastify/websocket';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import type { WatchJob } from '../../application/watch-job.js';
import { isTerminal } from '../../domain/job.js';
import type { JobUpdate } from '../../ports/job-events.js';
import { principalOf, registerAuth, type AuthDeps } from '../auth.js';
import { sendProblem } from '../problem.js';
import { JobIdParams, Problem } from '../schemas.js';

/** Close codes sent by the server (4000–4999 are for applications, RFC 6455 §7.4.2). */
export const WS_CLOSE = {
  /** The job reached a terminal status: every update was sent. */
  finished: 1000,
  /** The database did not answer: reconnect later. */
  tryAgainLater: 1013,
  jobNotFound: 4404,
} as const;

/** Largest client frame accepted, in bytes (clients have nothing to say but pongs). */
const MAX_CLIENT_PAYLOAD_BYTES = 1024;

/** A compact JWS (a session token) rather than an API key. */
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export interface WsRouteDeps extends AuthDeps {
  readonly watchJob: WatchJob;
  /** Ping period in ms; a client that has not answered the previous ping is dropped. */
  readonly pingIntervalMs: number;
}

/** A message sent to a WebSocket client: the current state first, then every change. */
export interface WsJobMessage {
  readonly type: 'status' | 'progress';
  readonly job: JobUpdate;
}

/** `url` with the `access_token` query value replaced, for logs. */
export function redactAccessToken(url: string): string {
  return url.replace(/([?&]access_token=)[^&#]*/gi, '$1[Redacted]');
}

/**
 * `WS /ws/jobs/{jobId}` (DESIGN §5): live status and progress of the caller's job over a
 * WebSocket, outside `/api/v1` and authenticated like it (`X-API-Key` or `Authorization: Bearer`,
 * or — because browsers cannot set headers on a WebSocket — an `access_token` query parameter
 * holding either). Missing or bad credentials refuse the upgrade with a 401 problem.
 *
 * Messages are JSON `{ type: 'status' | 'progress', job: { jobId, status, progress, attempts,
 * error, at, message? } }`: `status` first (the current state, so a reconnecting client catches
 * up), then `progress` for every change in order, from any API or worker process (the JobEvents
 * port: Redis pub/sub with several instances). After a terminal status the server closes with
 * 1000. An unknown or foreign job closes with 4404, a database outage with 1013. The server
 * pings every `pingIntervalMs` and drops a client that did not answer the previous ping.
 */
export async function wsRoutes(app: FastifyInstance, deps: WsRouteDeps): Promise<void> {
  await app.register(fastifyWebsocket, { options: { maxPayload: MAX_CLIENT_PAYLOAD_BYTES } });

  // The query token is read exactly like the headers it stands for (a JWT as Bearer, else a key).
  app.addHook('onRequest', async (request) => {
    const token = (request.query as Record<string, unknown> | undefined)?.['access_token'];
    if (typeof token !== 'string' || token === '') return;
    if (request.headers.authorization !== undefined || request.headers['x-api-key'] !== undefined) return;
    if (JWT_SHAPE.test(token)) request.headers.authorization = `Bearer ${token}`;
    else request.headers['x-api-key'] = token;
  });
  registerAuth(app, deps);

  app.withTypeProvider<ZodTypeProvider>().route({
    method: 'GET',
    url: '/ws/jobs/:jobId',
    logSerializers: {
      req: (req: FastifyRequest) => ({
        method: req.method,
        url: redactAccessToken(req.url),
        remoteAddress: req.ip,
      }),
    },
    schema: {
      operationId: 'watchJobWebSocket',
      tags: ['videos'],
      summary: 'Live progress over a WebSocket',
      description:
        'Upgrade to a WebSocket (`ws://host/ws/jobs/{jobId}`) to receive JSON messages `{ "type": "status" | "progress", "job": { jobId, status, progress: { stage, percent }, attempts, error, at, message? } }`: `status` with the current state first, then `progress` for every change, in order, the same for every client of the job on every API instance. After a terminal status (`completed`, `failed`, `cancelled`) the server closes with code 1000; an unknown job (or another user\'s) closes with 4404; a database outage with 1013. The server pings every 30 s and drops clients that stop answering. Authenticate with `X-API-Key` or `Authorization: Bearer`, or, from browsers, `?access_token=<API key or session token>`: a token in a URL can end up in proxy logs and browser history, so prefer short-lived session tokens there (the server redacts it from its own logs). A plain GET without the upgrade answers 426.',
      security: [{ apiKey: [] }, { bearer: [] }],
      params: JobIdParams,
      querystring: z.object({
        access_token: z
          .string()
          .max(8192)
          .optional()
          .describe('An API key or session token, for clients that cannot set headers (browsers).'),
      }),
      response: {
        101: z.null().describe('Switching Protocols: the WebSocket is open.'),
        401: Problem,
        422: Problem,
        426: Problem,
      },
    },
    handler: async (_request, reply) =>
      sendProblem(reply, {
        status: 426,
        code: 'UPGRADE_REQUIRED',
        title: 'Upgrade required',
        detail: 'This endpoint is a WebSocket: connect with `Upgrade: websocket`.',
        headers: { upgrade: 'websocket', connection: 'Upgrade' },
      }),
    wsHandler: (socket: WebSocket, request) => {
      void watch(socket, request, deps);
    },
  });
}

async function watch(
  socket: WebSocket,
  request: FastifyRequest<{ Params: { jobId: string } }>,
  deps: WsRouteDeps,
): Promise<void> {
  let closed = false;
  let stopWatch: (() => Promise<void>) | null = null;
  let answered = true;
  const ping = setInterval(() => {
    if (!answered) {
      request.log.info({ jobId: request.params.jobId }, 'websocket client stopped answering pings');
      socket.terminate();
      return;
    }
    answered = false;
    socket.ping();
  }, deps.pingIntervalMs);
  ping.unref();
  socket.on('pong', () => {
    answered = true;
  });
  socket.on('close', () => {
    closed = true;
    clearInterval(ping);
    void stopWatch?.();
  });

  let open = false;
  const early: JobUpdate[] = [];
  const send = (type: WsJobMessage['type'], job: JobUpdate): void => {
    if (socket.readyState !== socket.OPEN) return;
    socket.send(JSON.stringify({ type, job } satisfies WsJobMessage));
    if (isTerminal(job.status)) socket.close(WS_CLOSE.finished, 'job finished');
  };

  const watched = await deps.watchJob.execute({
    principal: principalOf(request),
    jobId: request.params.jobId,
    onUpdate: (u) => (open ? send('progress', u) : early.push(u)),
  });
  if (watched.isErr()) {
    if (watched.error.type === 'JobNotFound') socket.close(WS_CLOSE.jobNotFound, 'job not found');
    else socket.close(WS_CLOSE.tryAgainLater, 'database unavailable');
    return;
  }
  const w = watched.value;
  if (closed) {
    await w.stop();
    return;
  }
  stopWatch = w.stop;
  open = true;
  send('status', w.current);
  for (const u of early.splice(0)) send('progress', u);
}
