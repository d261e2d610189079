import { z } from 'zod';
import { isTerminal } from '../../domain/job.js';
import { principalOf } from '../auth.js';
import { sendError } from '../problem.js';
import { JobIdParams, Problem } from '../schemas.js';
/** Keep-alive comment period in ms (proxies close idle streams). */
const HEARTBEAT_MS = 15_000;
/** Server-Sent Events of a job's progress (the `text/event-stream` format of the WHATWG HTML standard). */
export async function liveRoutes(app, deps) {
    const r = app.withTypeProvider();
    // Open streams end when the server closes, so a graceful shutdown does not wait on them.
    const streams = new Set();
    app.addHook('preClose', async () => {
        for (const close of [...streams])
            close();
    });
    r.get('/videos/jobs/:jobId/events', {
        schema: {
            operationId: 'streamJobEvents',
            tags: ['videos'],
            summary: 'Live progress as Server-Sent Events',
            description: 'A `text/event-stream`: first `event: status` with the current state, then `event: progress` for every change (from any API or worker process), and `event: end` after a terminal status, when the stream closes. `data` is JSON: `{ jobId, status, progress: { stage, percent }, attempts, error, at, message? }`. A comment line is sent every 15 s to keep the connection open.',
            security: [{ apiKey: [] }, { bearer: [] }],
            params: JobIdParams,
            response: {
                200: z.unknown().meta({
                    description: 'An event stream.',
                    'x-content-type': 'text/event-stream',
                    example: 'retry: 2000\n\nevent: status\nid: 2026-11-21T10:00:05.400Z\ndata: {"jobId":"01936f3e-6d2a-7c3b-9f1e-4b8a2c6d0e11","status":"processing","progress":{"stage":"composing","percent":62},"attempts":1,"error":null,"at":"2026-11-21T10:00:05.400Z"}\n\n',
                }),
                401: Problem,
                404: Problem,
                503: Problem,
            },
        },
    }, async (request, reply) => {
        let open = false;
        const pending = [];
        let stopWatch = null;
        const raw = reply.raw;
        const close = () => {
            streams.delete(close);
            clearInterval(heartbeat);
            void stopWatch?.();
            if (!raw.writableEnded)
                raw.end();
        };
        const send = (event, update) => {
            raw.write(`event: ${event}\nid: ${update.at}\ndata: ${JSON.stringify(update)}\n\n`);
            if (isTerminal(update.status)) {
                raw.write(`event: end\ndata: {}\n\n`);
                close();
            }
        };
        const heartbeat = setInterval(() => {
            if (open)
                raw.write(': keep-alive\n\n');
        }, HEARTBEAT_MS);
        heartbeat.unref();
        const watched = await deps.watchJob.execute({
            principal: principalOf(request),
            jobId: request.params.jobId,
            onUpdate: (u) => (open ? send('progress', u) : pending.push(u)),
        });
        if (watched.isErr()) {
            clearInterval(heartbeat);
            return sendError(reply, watched.error);
        }
        const watch = watched.value;
        stopWatch = watch.stop;
        reply.hijack();
        raw.writeHead(200, {
            ...reply.getHeaders(),
            'content-type': 'text/event-stream; charset=utf-8',
            'cache-control': 'no-cache, no-transform',
            connection: 'keep-alive',
            'x-accel-buffering': 'no',
        });
        raw.write('retry: 2000\n\n');
        open = true;
        streams.add(close);
        raw.on('close', close);
        send('status', watch.current);
        for (const u of pending.splice(0))
            if (!raw.writableEnded)
                send('progress', u);
        return reply;
    });
}
//# sourceMappingURL=live.js.map