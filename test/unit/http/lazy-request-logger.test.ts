import { Writable } from 'node:stream';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { describe, expect, it } from 'vitest';
import { createPinoLogger } from '../../../src/adapters/pino/pino-logger.js';
import { lazyChildLoggerFactory, LazyRequestLogger } from '../../../src/http/lazy-request-logger.js';

function capture(): { lines: () => Record<string, unknown>[]; stream: Writable } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  return {
    stream,
    lines: () =>
      text
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('LazyRequestLogger', () => {
  it('makes no pino child for calls below the level, and writes enabled ones with its bindings, redacted', async () => {
    const out = capture();
    const parent = createPinoLogger({
      level: 'warn',
      destination: out.stream,
    }) as unknown as FastifyBaseLogger;
    const log = new LazyRequestLogger(parent, { reqId: 'r-1' });
    log.info('not written');
    log.debug({ a: 1 }, 'not written');
    expect(log.materialized).toBe(false);
    expect(log.level).toBe('warn');
    log.warn({ headers: { authorization: 'Bearer secret' } }, 'written');
    await flush();
    expect(log.materialized).toBe(true);
    expect(out.lines()).toHaveLength(1);
    expect(out.lines()[0]).toMatchObject({ level: 'warn', reqId: 'r-1', msg: 'written' });
    expect(JSON.stringify(out.lines()[0])).not.toContain('secret');
  });

  it('honours a level set on it (the child is made and answers from then on)', async () => {
    const out = capture();
    const parent = createPinoLogger({
      level: 'warn',
      destination: out.stream,
    }) as unknown as FastifyBaseLogger;
    const log = new LazyRequestLogger(parent, { reqId: 'r-2' });
    log.level = 'debug';
    log.debug('now written');
    const child = log.child({ step: 'x' });
    child.info('from a child');
    await flush();
    expect(out.lines().map((l) => [l['msg'], l['reqId']])).toEqual([
      ['now written', 'r-2'],
      ['from a child', 'r-2'],
    ]);
    expect(parent.level).toBe('warn');
  });

  it("serves as Fastify's request logger: request.log lines carry reqId, error logs included", async () => {
    const out = capture();
    const app = Fastify({
      loggerInstance: createPinoLogger({
        level: 'warn',
        destination: out.stream,
      }) as unknown as FastifyBaseLogger,
      childLoggerFactory: lazyChildLoggerFactory,
      genReqId: () => 'req-42',
    });
    app.get('/quiet', async () => ({ ok: true }));
    app.get('/loud', async (request) => {
      request.log.warn('something odd');
      return { ok: true };
    });
    app.get('/boom', async () => {
      throw new Error('kaput');
    });
    expect((await app.inject({ method: 'GET', url: '/quiet' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/loud' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/boom' })).statusCode).toBe(500);
    await app.close();
    await flush();
    const lines = out.lines();
    expect(lines.map((l) => [l['level'], l['reqId'], l['msg']])).toEqual([
      ['warn', 'req-42', 'something odd'],
      ['error', 'req-42', 'kaput'],
    ]);
  });
});
