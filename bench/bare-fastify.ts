import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

/**
 * The API reference: a bare Fastify server (no plugins, no hooks, no logging, no schemas) that
 * answers the status route with the same JSON Framecast returned for the benchmark's job, and the
 * generate route with that JSON and 201 after parsing the body. Started by bench/api.ts as its own
 * process; prints `listening on <url>`.
 * Env: BENCH_STATUS_BODY_FILE (the JSON document), PORT (default 0).
 */
const body = JSON.parse(readFileSync(process.env['BENCH_STATUS_BODY_FILE'] ?? '', 'utf8')) as Record<
  string,
  unknown
>;
const app = Fastify({ logger: false });
app.get('/api/v1/videos/jobs/:jobId/status', async () => body);
app.post('/api/v1/videos/generate', async (_request, reply) => {
  void reply.code(201);
  return body;
});
const address = await app.listen({ host: '127.0.0.1', port: Number(process.env['PORT'] ?? 0) });
process.stdout.write(`listening on ${address}\n`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
