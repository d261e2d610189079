import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, redactConfig } from '../../../src/config/config.js';

const problemsOf = (env: Record<string, string>): readonly string[] => {
  try {
    loadConfig(env, '/srv/app');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const c = loadConfig({}, '/srv/app');
    expect(c.env).toBe('development');
    expect(c.http).toEqual({ host: '127.0.0.1', port: 8080, bodyLimitBytes: 1024 * 1024 });
    expect(c.dataDir).toBe('/srv/app/data');
    expect(c.database).toEqual({ kind: 'pglite', dataDir: '/srv/app/data/pglite' });
    expect(c.storage).toMatchObject({
      kind: 'disk',
      rootDir: '/srv/app/data/objects',
      prefix: 'development',
    });
    expect(c.queue).toEqual({
      leaseMs: 30_000,
      maxAttempts: 3,
      pollIntervalMs: 1000,
      sweepIntervalMs: 5000,
      backoffBaseMs: 5000,
      backoffMaxMs: 600_000,
    });
    expect(c.worker).toEqual({ concurrency: 1, shutdownGraceMs: 30_000 });
    expect(c.auth.apiKey).toBeUndefined();
    expect(c.log.level).toBe('info');
  });

  it('reads every variable scripts rely on', () => {
    const c = loadConfig(
      {
        PORT: '9000',
        HOST: '0.0.0.0',
        DATA_DIR: 'var/fc',
        FRAMECAST_API_KEY: 'a-known-key-for-scripts',
        APP_ENV: 'test',
        LOG_LEVEL: 'debug',
        WORKER_CONCURRENCY: '0',
        QUEUE_LEASE_SECONDS: '10',
        QUEUE_MAX_ATTEMPTS: '5',
        SHUTDOWN_GRACE_SECONDS: '2',
        STORAGE_PREFIX: 'staging',
      },
      '/srv/app',
    );
    expect(c.http).toMatchObject({ host: '0.0.0.0', port: 9000 });
    expect(c.dataDir).toBe(path.resolve('/srv/app', 'var/fc'));
    expect(c.auth.apiKey).toBe('a-known-key-for-scripts');
    expect(c.env).toBe('test');
    expect(c.log.level).toBe('debug');
    expect(c.worker).toEqual({ concurrency: 0, shutdownGraceMs: 2000 });
    expect(c.queue).toMatchObject({ leaseMs: 10_000, maxAttempts: 5 });
    expect(c.storage.prefix).toBe('staging');
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ FRAMECAST_API_KEY: '', HOST: ' ' }, '/srv').auth.apiKey).toBeUndefined();
  });

  it('reports every invalid variable at once', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      APP_ENV: 'staging',
      WORKER_CONCURRENCY: '-1',
      LOG_LEVEL: 'loud',
      FRAMECAST_API_KEY: 'short',
      STORAGE_PREFIX: 'Bad Prefix',
      DATABASE_URL: 'mysql://x',
    });
    const names = problems.map((p) => p.split(':')[0]);
    expect(names).toEqual(
      expect.arrayContaining([
        'PORT',
        'APP_ENV',
        'WORKER_CONCURRENCY',
        'LOG_LEVEL',
        'FRAMECAST_API_KEY',
        'STORAGE_PREFIX',
        'DATABASE_URL',
      ]),
    );
    expect(problems.length).toBe(7);
  });

  it('checks relations between variables', () => {
    expect(problemsOf({ QUEUE_BACKOFF_BASE_SECONDS: '60', QUEUE_BACKOFF_MAX_SECONDS: '10' })).toEqual([
      'QUEUE_BACKOFF_MAX_SECONDS: must be at least QUEUE_BACKOFF_BASE_SECONDS',
    ]);
  });

  it('refuses production on embedded defaults and without a configured key, listing what is missing', () => {
    const problems = problemsOf({ APP_ENV: 'production' });
    expect(problems).toHaveLength(5);
    for (const name of [
      'DATABASE_URL',
      'S3_BUCKET',
      'REDIS_URL',
      'WEBHOOK_SECRET',
      'FRAMECAST_API_KEY or CLERK_*',
    ])
      expect(
        problems.some((p) => p.startsWith(`APP_ENV=production needs ${name}`)),
        name,
      ).toBe(true);
  });

  it('accepts production with its adapters configured', () => {
    const c = loadConfig(
      {
        APP_ENV: 'production',
        DATABASE_URL: 'postgres://fc:secret@db:5432/framecast',
        S3_BUCKET: 'videos',
        S3_ENDPOINT: 'http://minio:9000',
        S3_FORCE_PATH_STYLE: 'true',
        AWS_ACCESS_KEY_ID: 'id',
        AWS_SECRET_ACCESS_KEY: 'secret',
        REDIS_URL: 'redis://redis:6379',
        FRAMECAST_API_KEY: 'production-key-0123456789',
        WEBHOOK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      },
      '/srv',
    );
    expect(c.http.host).toBe('0.0.0.0');
    expect(c.database).toMatchObject({
      kind: 'postgres',
      url: 'postgres://fc:secret@db:5432/framecast',
      poolMax: 10,
    });
    expect(c.storage).toMatchObject({
      kind: 's3',
      bucket: 'videos',
      forcePathStyle: true,
      prefix: 'production',
    });
    expect(c.redis).toEqual({ url: 'redis://redis:6379', commandTimeoutMs: 250 });
    const text = JSON.stringify(redactConfig(c));
    expect(text).not.toContain('fc:secret');
    expect(text).not.toContain('"secret"');
  });

  it('reports malformed Clerk settings and partial AWS credentials', () => {
    const problems = problemsOf({ CLERK_ISSUER: 'http://not-https', AWS_ACCESS_KEY_ID: 'only-id' });
    expect(problems.some((p) => p.startsWith('CLERK_JWT_KEY'))).toBe(true);
    expect(problems.some((p) => p.startsWith('CLERK_ISSUER'))).toBe(true);
    expect(problems).toContain('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY: set both or neither');
  });

  it('binds all interfaces by default only in production', () => {
    expect(loadConfig({ APP_ENV: 'test' }, '/srv').http.host).toBe('127.0.0.1');
  });
});

describe('redactConfig', () => {
  it('hides secret values and keeps the rest', () => {
    const c = loadConfig({ FRAMECAST_API_KEY: 'super-secret-key-value' }, '/srv/app');
    const text = JSON.stringify(redactConfig(c));
    expect(text).not.toContain('super-secret-key-value');
    expect(text).toContain('[redacted]');
    expect(text).toContain('"port":8080');
  });
});
