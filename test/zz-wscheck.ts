import { Writable } from 'node:stream';
import WebSocket from 'ws';
import { createPinoLogger } from '../src/adapters/pino/pino-logger.js';
import { createTestApp, KEY_A } from '../test/support/http-app.js';
import { T } from '../src/container/tokens.js';

const t = await createTestApp();
// Swap in a logging Fastify? The test app's logger is silent; build a second app over the same container is not possible,
// so check the serializer by logging through Fastify's request logger of a fresh app with a capturing logger.
const lines: string[] = [];
const dest = new Writable({ write(c, _e, cb) { lines.push(String(c)); cb(); } });
const logger = createPinoLogger({ level: 'info', destination: dest as never });
const { createContainer } = await import('../src/container/composition-root.js');
const { loadConfig } = await import('../src/config/config.js');
const { buildApp } = await import('../src/http/app.js');
const c = createContainer(loadConfig({ APP_ENV: 'test', DATA_DIR: '/tmp/wscheck/data', WORKER_CONCURRENCY: '0' }), { logger: logger as never });
c.override(T.jobs, t.jobs);
c.override(T.apiKeys, await t.container.resolve(T.apiKeys));
c.override(T.users, await t.container.resolve(T.users));
c.override(T.webhookDeliveries, await t.container.resolve(T.webhookDeliveries));
const app = await buildApp(c);
await c.start();
const base = (await app.listen({ host: '127.0.0.1', port: 0 })).replace('http', 'ws');
const job = await t.completedJob();
await new Promise<void>((resolve) => {
  const s = new WebSocket(`${base}/ws/jobs/${job.id}?access_token=${KEY_A}`);
  s.on('close', () => resolve());
});
await new Promise((r) => setTimeout(r, 200));
console.log(lines.filter((l) => l.includes('/ws/')).join(''));
console.log('leaked:', lines.some((l) => l.includes(KEY_A)));
await app.close();
await t.close();
