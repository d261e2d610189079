import { describe, expect, it } from 'vitest';
import { Container } from '../../../src/container/container.js';
import { FactoryFailedError } from '../../../src/container/container-errors.js';
import { token, type Token } from '../../../src/container/token.js';

/** A promise with its resolve function, to hold a factory open until the test lets it go. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe("startMode: 'concurrent'", () => {
  it('begins independent constructions together instead of one after the other', async () => {
    const container = new Container({ startMode: 'concurrent' });
    const began: string[] = [];
    const database = gate();
    container.register(token<string>('Database'), {
      lifetime: 'singleton',
      factory: async () => {
        began.push('Database');
        await database.promise;
        return 'db';
      },
    });
    container.register(token<string>('Redis'), {
      lifetime: 'singleton',
      factory: () => {
        began.push('Redis');
        return 'redis';
      },
    });

    const starting = container.start();
    // Sequential start would not reach Redis until the database factory finished.
    await new Promise((resolve) => setImmediate(resolve));
    expect(began).toEqual(['Database', 'Redis']);
    database.open();
    await starting;

    expect(container.describe().map((r) => r.state)).toEqual(['started', 'started']);
  });

  it('still starts each service after the dependencies its factory resolves, and stops in reverse', async () => {
    const container = new Container({ startMode: 'concurrent' });
    const log: string[] = [];
    const slow = gate();
    const service = (name: string, deps: Token<string>[], wait?: Promise<void>) =>
      container.register(token<string>(name), {
        lifetime: 'singleton',
        factory: async (r) => {
          for (const dep of deps) await r.resolve(dep);
          if (wait) await wait;
          return name;
        },
        start: (s) => void log.push(`start ${s}`),
        stop: (s) => void log.push(`stop ${s}`),
      });
    const Database = token<string>('Database');
    service('Api', [token<string>('Repository')]);
    service('Repository', [Database]);
    service('Database', [], slow.promise);
    service('Clock', []);

    const starting = container.start();
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toEqual(['start Clock']);
    slow.open();
    await starting;
    expect(log).toEqual(['start Clock', 'start Database', 'start Repository', 'start Api']);

    log.length = 0;
    await container.stop();
    expect(log).toEqual(['stop Api', 'stop Repository', 'stop Database', 'stop Clock']);
  });

  it('waits for every construction and reports every independent failure, a shared one once', async () => {
    const container = new Container({ startMode: 'concurrent' });
    const log: string[] = [];
    const fails = (name: string, message: string) =>
      container.register(token<string>(name), {
        lifetime: 'singleton',
        factory: () => Promise.reject(new Error(message)),
      });
    fails('Database', 'connection refused');
    container.register(token<string>('Repository'), {
      lifetime: 'singleton',
      factory: async (r) => `repo on ${await r.resolve(token<string>('Database'))}`,
    });
    fails('ObjectStorage', 'bucket missing');
    container.register(token<string>('Clock'), {
      lifetime: 'singleton',
      factory: () => 'clock',
      stop: () => void log.push('stop Clock'),
    });

    const error = await container.start().then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(AggregateError);
    const errors = (error as AggregateError).errors;
    expect(errors).toHaveLength(2);
    expect(errors.every((e) => e instanceof FactoryFailedError)).toBe(true);
    expect((error as AggregateError).message).toBe(
      "2 services failed to start: Factory of 'Database' failed: connection refused; Factory of 'ObjectStorage' failed: bucket missing",
    );
    const states = Object.fromEntries(container.describe().map((r) => [r.token, r.state]));
    expect(states).toEqual({
      Database: 'failed',
      Repository: 'failed',
      ObjectStorage: 'failed',
      Clock: 'started',
    });
    // What did start is stopped as usual.
    await container.stop();
    expect(log).toEqual(['stop Clock']);
  });

  it('rejects with the error itself when one registration failed (and its dependents with it)', async () => {
    const container = new Container({ startMode: 'concurrent' });
    container.register(token<string>('Database'), {
      lifetime: 'singleton',
      factory: () => Promise.reject(new Error('connection refused')),
    });
    container.register(token<string>('Repository'), {
      lifetime: 'singleton',
      factory: async (r) => r.resolve(token<string>('Database')),
    });

    await expect(container.start()).rejects.toThrow(
      new FactoryFailedError('Database', ['Database'], new Error('connection refused')),
    );
  });

  it('still reports a dependency cycle with its path', async () => {
    const container = new Container({ startMode: 'concurrent' });
    container.register(token<string>('A'), {
      lifetime: 'singleton',
      factory: async (r) => r.resolve(token<string>('B')),
    });
    container.register(token<string>('B'), {
      lifetime: 'singleton',
      factory: async (r) => r.resolve(token<string>('A')),
    });

    await expect(container.start()).rejects.toThrow(/A -> B -> A/);
  });
});
