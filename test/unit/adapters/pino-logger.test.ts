import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createPinoLogger, DEFAULT_REDACT_PATHS, REDACTED } from '../../../src/adapters/pino/pino-logger.js';
import type { Logger } from '../../../src/ports/logger.js';

/** A destination collecting lines; pino writes synchronously to a plain stream's `write`. */
function capture(): { lines: () => Record<string, unknown>[]; raw: () => string; stream: Writable } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  return {
    stream,
    raw: () => text,
    lines: () =>
      text
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('createPinoLogger', () => {
  it('satisfies the Logger port, writes ISO times and level labels', async () => {
    const out = capture();
    const logger: Logger = createPinoLogger({ level: 'info', destination: out.stream });
    logger.info({ jobId: 'j1' }, 'job queued');
    logger.debug({ jobId: 'j1' }, 'not written below the level');
    await flush();
    const [line, ...rest] = out.lines();
    expect(rest).toEqual([]);
    expect(line).toMatchObject({ level: 'info', jobId: 'j1', msg: 'job queued' });
    expect(line!['time']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('redacts credentials in request headers', async () => {
    const out = capture();
    const logger = createPinoLogger({ level: 'info', destination: out.stream });
    logger.info(
      {
        req: {
          method: 'GET',
          url: '/api/v1/jobs',
          headers: {
            authorization: 'Bearer eyJhbGciOi.secret-jwt',
            'x-api-key': 'fc_live_abcdef123456',
            cookie: '__session=cookie-secret',
            accept: 'application/json',
          },
        },
      },
      'request',
    );
    await flush();
    const raw = out.raw();
    for (const secret of ['secret-jwt', 'fc_live_abcdef123456', 'cookie-secret'])
      expect(raw).not.toContain(secret);
    expect(out.lines()[0]).toMatchObject({
      req: { headers: { authorization: REDACTED, 'x-api-key': REDACTED, accept: 'application/json' } },
    });
  });

  it('redacts secret fields at the top level and one level down, also in child loggers', async () => {
    const out = capture();
    const logger = createPinoLogger({ level: 'debug', destination: out.stream });
    const secrets = {
      password: 'pw-1',
      token: 'tok-2',
      apiKey: 'key-3',
      secret: 'sec-4',
      connectionString: 'postgres://u:pw-5@db/x',
    };
    logger.warn({ ...secrets }, 'top level');
    logger.child({ requestId: 'r1' }).error({ user: { ...secrets, email: 'a@b.c' }, db: secrets }, 'nested');
    await flush();
    const raw = out.raw();
    for (const value of Object.values(secrets)) expect(raw).not.toContain(value);
    const [top, nested] = out.lines();
    expect(top).toMatchObject({ password: REDACTED, token: REDACTED });
    expect(nested).toMatchObject({ requestId: 'r1', user: { email: 'a@b.c', apiKey: REDACTED } });
  });

  it('redacts extra paths given by the caller', async () => {
    const out = capture();
    const logger = createPinoLogger({
      level: 'info',
      destination: out.stream,
      redactPaths: ['webhook.signature', 'payload["x-custom"]'],
    });
    logger.info(
      { webhook: { url: 'https://x', signature: 'v1,sig-abc' }, payload: { 'x-custom': 'c-1' } },
      'sent',
    );
    await flush();
    expect(out.raw()).not.toContain('sig-abc');
    expect(out.raw()).not.toContain('c-1');
    expect(out.lines()[0]).toMatchObject({ webhook: { url: 'https://x', signature: REDACTED } });
  });

  it('serialises errors with type, message and stack', async () => {
    const out = capture();
    const logger = createPinoLogger({
      level: 'info',
      destination: out.stream,
      base: { service: 'framecast' },
    });
    logger.error({ err: new TypeError('boom') }, 'failed');
    await flush();
    expect(out.lines()[0]).toMatchObject({
      service: 'framecast',
      err: { type: 'TypeError', message: 'boom' },
    });
    expect(out.lines()[0]).not.toHaveProperty('pid');
  });

  it('redacts the documented header paths by default', () => {
    expect(DEFAULT_REDACT_PATHS).toEqual(
      expect.arrayContaining([
        'req.headers.authorization',
        'req.headers["x-api-key"]',
        '*.password',
        '*.token',
      ]),
    );
  });
});
