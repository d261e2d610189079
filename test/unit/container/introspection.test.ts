import { describe, expect, it } from 'vitest';
import { Container } from '../../../src/container/container.js';
import { token } from '../../../src/container/token.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const Config = token<{ url: string }>('Config');
const Database = token<{ url: string }>('Database');
const Repository = token<{ db: { url: string } }>('Repository');
const Request = token<string>('Request');
const Broken = token<string>('Broken');

function wired(): Container {
  return new Container()
    .registerInstance(Config, { url: 'postgres://db' })
    .register(Database, {
      lifetime: 'singleton',
      factory: async (r) => ({ url: (await r.resolve(Config)).url }),
      start: () => sleep(20),
    })
    .register(Repository, {
      lifetime: 'singleton',
      factory: async (r) => ({ db: await r.resolve(Database) }),
    })
    .register(Request, { lifetime: 'scoped', factory: () => 'req' });
}

describe('describe()', () => {
  it('lists every registration with lifetime, state, dependencies and start duration', async () => {
    const container = wired();
    expect(container.describe().map((r) => r.state)).toEqual([
      'started',
      'registered',
      'registered',
      'registered',
    ]);

    await container.start();
    const described = container.describe();

    expect(described).toEqual([
      { token: 'Config', lifetime: 'instance', state: 'started', dependencies: [] },
      {
        token: 'Database',
        lifetime: 'singleton',
        state: 'started',
        startDurationMs: expect.any(Number),
        dependencies: ['Config'],
      },
      {
        token: 'Repository',
        lifetime: 'singleton',
        state: 'started',
        startDurationMs: expect.any(Number),
        dependencies: ['Database'],
      },
      { token: 'Request', lifetime: 'scoped', state: 'registered', dependencies: [] },
    ]);
    // Database's start hook sleeps 20 ms: its duration includes it (timers may fire ~1 ms early).
    expect(described[1]?.startDurationMs).toBeGreaterThanOrEqual(19);
    expect(JSON.parse(JSON.stringify(described))).toEqual(described);
  });

  it('shows a failed registration with its error message', async () => {
    const container = wired().register(Broken, {
      lifetime: 'singleton',
      factory: () => Promise.reject(new Error('disk full')),
    });

    await expect(container.start()).rejects.toThrow('disk full');

    expect(container.describe().find((r) => r.token === 'Broken')).toEqual({
      token: 'Broken',
      lifetime: 'singleton',
      state: 'failed',
      dependencies: [],
      error: "Factory of 'Broken' failed: disk full",
    });
  });

  it('shows stopping while a stop hook runs, then stopped', async () => {
    const seen: string[] = [];
    const container = new Container();
    container.register(Broken, {
      lifetime: 'singleton',
      factory: () => 'x',
      stop: () => void seen.push(container.describe()[0]?.state ?? 'none'),
    });
    await container.start();

    await container.stop();

    expect(seen).toEqual(['stopping']);
    expect(container.describe()[0]?.state).toBe('stopped');
  });
});

describe('health()', () => {
  it('runs the health hook of every started singleton and instance, per token', async () => {
    const container = new Container({ healthTimeoutMs: 30 })
      .registerInstance(Config, { url: 'u' }, { health: () => ({ status: 'up' }) })
      .register(Database, {
        lifetime: 'singleton',
        factory: () => ({ url: 'u' }),
        health: (db) => ({ status: 'degraded', detail: { url: db.url, latencyMs: 250 } }),
      })
      .register(token<string>('Queue'), {
        lifetime: 'singleton',
        factory: () => 'q',
        health: () => Promise.reject(new Error('connection reset')),
      })
      .register(token<string>('Storage'), {
        lifetime: 'singleton',
        factory: () => 's',
        health: () => new Promise(() => {}),
      })
      .register(token<string>('NoHook'), { lifetime: 'singleton', factory: () => 'n' });
    await container.start();

    const report = await container.health();

    expect(Object.keys(report).sort()).toEqual(['Config', 'Database', 'Queue', 'Storage']);
    expect(report['Config']).toMatchObject({ status: 'up' });
    expect(report['Database']).toMatchObject({ status: 'degraded', detail: { url: 'u', latencyMs: 250 } });
    expect(report['Queue']).toMatchObject({ status: 'down', detail: 'connection reset' });
    expect(report['Storage']).toMatchObject({
      status: 'down',
      detail: "health() of 'Storage' did not finish within 30 ms and was abandoned.",
    });
    expect(report['Storage']?.durationMs).toBeGreaterThanOrEqual(29);
  });

  it('skips singletons that are not started', async () => {
    const container = new Container().register(Database, {
      lifetime: 'singleton',
      factory: () => ({ url: 'u' }),
      health: () => ({ status: 'up' }),
    });

    expect(await container.health()).toEqual({});
    await container.start();
    expect(Object.keys(await container.health())).toEqual(['Database']);
    await container.stop();
    expect(await container.health()).toEqual({});
  });
});
