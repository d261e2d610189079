import { describe, expect, it } from 'vitest';
import { Container } from '../../../src/container/container.js';
import {
  ContainerDisposedError,
  HookTimeoutError,
  type HookFailedError,
} from '../../../src/container/container-errors.js';
import { token, type Token } from '../../../src/container/token.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Service {
  readonly name: string;
}

/** Registers `name` as a singleton depending on `deps`, logging start/stop into `log`. */
function service(container: Container, log: string[], name: string, deps: Token<Service>[] = []) {
  const t = token<Service>(name);
  container.register(t, {
    lifetime: 'singleton',
    factory: async (r) => {
      for (const dep of deps) await r.resolve(dep);
      return { name };
    },
    start: (s) => void log.push(`start ${s.name}`),
    stop: (s) => void log.push(`stop ${s.name}`),
  });
  return t;
}

describe('start and stop', () => {
  it('start() runs start hooks in dependency order, whatever the registration order', async () => {
    const container = new Container();
    const log: string[] = [];
    const Api = token<Service>('Api');
    const UseCase = token<Service>('UseCase');
    // Registered before its dependencies exist: the order comes from what factories resolve.
    service(container, log, 'Api', [UseCase]);
    service(container, log, 'UseCase', [token<Service>('Repository'), token<Service>('Clock')]);
    service(container, log, 'Repository', [token<Service>('Database')]);
    service(container, log, 'Clock');
    service(container, log, 'Database');

    await container.start();

    expect(log).toEqual(['start Database', 'start Repository', 'start Clock', 'start UseCase', 'start Api']);
    expect((await container.resolve(Api)).name).toBe('Api');
  });

  it('stop() runs stop hooks in reverse start order', async () => {
    const container = new Container();
    const log: string[] = [];
    const Database = service(container, log, 'Database');
    const Repository = service(container, log, 'Repository', [Database]);
    service(container, log, 'UseCase', [Repository]);
    await container.start();
    log.length = 0;

    await container.stop();

    expect(log).toEqual(['stop UseCase', 'stop Repository', 'stop Database']);
    expect(container.describe().map((r) => r.state)).toEqual(['stopped', 'stopped', 'stopped']);
  });

  it('stops one service at a time: no two stop hooks overlap', async () => {
    const container = new Container();
    const spans: { name: string; from: number; to: number }[] = [];
    let running = 0;
    let maxRunning = 0;
    for (const name of ['A', 'B', 'C', 'D']) {
      container.register(token<string>(name), {
        lifetime: 'singleton',
        factory: () => name,
        stop: async (n) => {
          running++;
          maxRunning = Math.max(maxRunning, running);
          const from = performance.now();
          await sleep(15);
          spans.push({ name: n, from, to: performance.now() });
          running--;
        },
      });
    }
    await container.start();

    await container.stop();

    expect(maxRunning).toBe(1);
    expect(spans.map((s) => s.name)).toEqual(['D', 'C', 'B', 'A']);
    for (let i = 1; i < spans.length; i++) expect(spans[i]!.from).toBeGreaterThanOrEqual(spans[i - 1]!.to);
  });

  it('abandons a hung stop hook after the timeout and goes on with the others', async () => {
    const container = new Container({ stopTimeoutMs: 30 });
    const log: string[] = [];
    const First = service(container, log, 'First');
    container.register(token<Service>('Hung'), {
      lifetime: 'singleton',
      factory: async (r) => ({ name: (await r.resolve(First)).name + '+hung' }),
      stop: () => new Promise<void>(() => {}),
    });
    await container.start();
    const began = performance.now();

    const error = await container.stop().then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(performance.now() - began).toBeLessThan(1_000);
    expect(error).toBeInstanceOf(AggregateError);
    const [timeout] = (error as AggregateError).errors;
    expect(timeout).toBeInstanceOf(HookTimeoutError);
    expect((timeout as HookTimeoutError).message).toBe(
      "stop() of 'Hung' did not finish within 30 ms and was abandoned.",
    );
    expect(log).toContain('stop First');
    expect(container.describe().find((r) => r.token === 'Hung')?.state).toBe('failed');
  });

  it('a per-registration stopTimeoutMs wins over the container default', async () => {
    const container = new Container({ stopTimeoutMs: 60_000 }).register(token<string>('Hung'), {
      lifetime: 'singleton',
      factory: () => 'x',
      stop: () => new Promise<void>(() => {}),
      stopTimeoutMs: 10,
    });
    await container.start();

    await expect(container.stop()).rejects.toThrow(AggregateError);
  });

  it('continues past failing stops and throws one AggregateError with every error', async () => {
    const container = new Container();
    const log: string[] = [];
    const fails = (name: string) =>
      container.register(token<string>(name), {
        lifetime: 'singleton',
        factory: () => name,
        stop: (n) => {
          log.push(`stop ${n}`);
          throw new Error(`${n} refused`);
        },
      });
    fails('A');
    service(container, log, 'Ok');
    fails('B');
    await container.start();
    log.length = 0;

    const error = (await container.stop().catch((e: unknown) => e)) as AggregateError;

    expect(error).toBeInstanceOf(AggregateError);
    expect(error.message).toBe('2 service(s) failed to stop');
    expect(error.errors.map((e: HookFailedError) => [e.token, e.code, (e.cause as Error).message])).toEqual([
      ['B', 'HOOK_FAILED', 'B refused'],
      ['A', 'HOOK_FAILED', 'A refused'],
    ]);
    expect(log).toEqual(['stop B', 'stop Ok', 'stop A']);
  });

  it('dispose is idempotent: the second call returns the same promise and stops nothing again', async () => {
    const container = new Container();
    const log: string[] = [];
    service(container, log, 'Only');
    await container.start();

    const first = container.dispose();
    const second = container.dispose();
    await first;

    expect(second).toBe(first);
    expect(container.stop()).toBe(first);
    expect(log.filter((l) => l.startsWith('stop'))).toEqual(['stop Only']);
  });

  it('resolve after dispose throws', async () => {
    const container = new Container();
    const Only = service(container, [], 'Only');
    await container.start();
    await container.dispose();

    await expect(container.resolve(Only)).rejects.toThrow(ContainerDisposedError);
    await expect(container.resolve(Only)).rejects.toThrow(
      "Cannot resolve 'Only': the container has been disposed.",
    );
    expect(() => container.createScope()).toThrow(ContainerDisposedError);
    await expect(container.start()).rejects.toThrow(ContainerDisposedError);
  });

  it('does not stop instance registrations, only what its factories created', async () => {
    const external = { closed: false };
    const External = token<typeof external>('External');
    const container = new Container().registerInstance(External, external);
    const log: string[] = [];
    service(container, log, 'Created');
    await container.start();

    await container.stop();

    expect(external.closed).toBe(false);
    expect(log).toEqual(['start Created', 'stop Created']);
    expect(container.describe().map((r) => [r.token, r.state])).toEqual([
      ['External', 'started'],
      ['Created', 'stopped'],
    ]);
  });

  it('a singleton resolved before start() is constructed and started once, and stopped', async () => {
    const container = new Container();
    const log: string[] = [];
    const Early = service(container, log, 'Early');

    await container.resolve(Early);
    await container.start();
    await container.stop();

    expect(log).toEqual(['start Early', 'stop Early']);
  });

  it('a start hook that throws fails start() and marks the registration failed', async () => {
    const container = new Container().register(token<string>('Broken'), {
      lifetime: 'singleton',
      factory: () => 'x',
      start: () => {
        throw new Error('port in use');
      },
      stop: () => {
        throw new Error('must not be called: it never started');
      },
    });

    await expect(container.start()).rejects.toThrow("start() of 'Broken' failed: port in use");
    expect(container.describe()[0]).toMatchObject({
      state: 'failed',
      error: "start() of 'Broken' failed: port in use",
    });
    await expect(container.stop()).resolves.toBeUndefined();
  });
});

describe('scopes', () => {
  it('scope.dispose() stops its scoped instances in reverse creation order', async () => {
    const log: string[] = [];
    const Tx = token<string>('Tx');
    const Session = token<string>('Session');
    const container = new Container()
      .register(Tx, { lifetime: 'scoped', factory: () => 'tx', stop: (v) => void log.push(`stop ${v}`) })
      .register(Session, {
        lifetime: 'scoped',
        factory: async (r) => `session(${await r.resolve(Tx)})`,
        stop: (v) => void log.push(`stop ${v}`),
      });
    const scope = container.createScope();
    await scope.resolve(Session);

    await scope.dispose();
    await scope.dispose();

    expect(log).toEqual(['stop session(tx)', 'stop tx']);
    await expect(scope.resolve(Tx)).rejects.toThrow("Cannot resolve 'Tx': the scope has been disposed.");
  });

  it('container.stop() disposes scopes still open, before the singletons they use', async () => {
    const log: string[] = [];
    const container = new Container();
    const Database = service(container, log, 'Database');
    const Request = token<string>('Request');
    container.register(Request, {
      lifetime: 'scoped',
      factory: async (r) => `request on ${(await r.resolve(Database)).name}`,
      stop: (v) => void log.push(`stop ${v}`),
    });
    await container.start();
    await container.createScope().resolve(Request);

    await container.stop();

    expect(log).toEqual(['start Database', 'stop request on Database', 'stop Database']);
  });

  it('scope.dispose() collects stop errors into an AggregateError', async () => {
    const container = new Container().register(token<string>('Tx'), {
      lifetime: 'scoped',
      factory: () => 'tx',
      stop: () => Promise.reject(new Error('rollback failed')),
    });
    const scope = container.createScope();
    await scope.resolve(token<string>('Tx'));

    const error = (await scope.dispose().catch((e: unknown) => e)) as AggregateError;

    expect(error).toBeInstanceOf(AggregateError);
    expect(error.errors.map((e: Error) => e.message)).toEqual(["stop() of 'Tx' failed: rollback failed"]);
  });
});
