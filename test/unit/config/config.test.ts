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
      ]),
    );
    expect(problems.length).toBe(6);
  });

  it('checks relations between variables', () => {
    expect(problemsOf({ QUEUE_BACKOFF_BASE_SECONDS: '60', QUEUE_BACKOFF_MAX_SECONDS: '10' })).toEqual([
      'QUEUE_BACKOFF_MAX_SECONDS: must be at least QUEUE_BACKOFF_BASE_SECONDS',
    ]);
  });

  it('refuses production on embedded defaults and without a configured key, listing what is missing', () => {
    const problems = problemsOf({ APP_ENV: 'production' });
    expect(problems.some((p) => p.includes('DATABASE_URL'))).toBe(true);
    expect(problems.some((p) => p.startsWith('FRAMECAST_API_KEY'))).toBe(true);
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
