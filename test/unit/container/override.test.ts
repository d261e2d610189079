import { describe, expect, it } from 'vitest';
import { Container } from '../../../src/container/container.js';
import { ContainerLockedError, UnknownTokenError } from '../../../src/container/container-errors.js';
import { token } from '../../../src/container/token.js';

interface Store {
  readonly kind: string;
  save(key: string): void;
  readonly keys: string[];
}

const StoreToken = token<Store>('Store');
const Service = token<{ store: Store }>('Service');

const memoryStore = (): Store => {
  const keys: string[] = [];
  return { kind: 'memory', keys, save: (key) => void keys.push(key) };
};

/** The "production" wiring: a store whose factory must not run in tests. */
function productionContainer(): Container {
  return new Container()
    .register(StoreToken, {
      lifetime: 'singleton',
      factory: () => {
        throw new Error('no database in unit tests');
      },
    })
    .register(Service, {
      lifetime: 'singleton',
      factory: async (r) => ({ store: await r.resolve(StoreToken) }),
    });
}

describe('override', () => {
  it('swaps in a value before start: dependents receive it and the original factory never runs', async () => {
    const container = productionContainer();
    const memory = memoryStore();

    container.override(StoreToken, memory);
    await container.start();
    (await container.resolve(Service)).store.save('job-1');

    expect(memory.keys).toEqual(['job-1']);
    expect(container.describe().find((r) => r.token === 'Store')).toMatchObject({
      lifetime: 'instance',
      state: 'started',
    });
  });

  it('overrideRegistration swaps in a factory with its own lifetime and hooks', async () => {
    const container = productionContainer();
    const log: string[] = [];

    container.overrideRegistration(StoreToken, {
      lifetime: 'singleton',
      factory: memoryStore,
      stop: (store) => void log.push(`stop ${store.kind}`),
    });
    await container.start();
    await container.stop();

    expect(await Promise.resolve(log)).toEqual(['stop memory']);
  });

  it('refuses overriding after start', async () => {
    const container = productionContainer().override(StoreToken, memoryStore());
    await container.start();

    expect(() => container.override(StoreToken, memoryStore())).toThrow(ContainerLockedError);
    expect(() => container.override(StoreToken, memoryStore())).toThrow(
      "Cannot override 'Store': the container has started.",
    );
  });

  it('refuses overriding a singleton that was already resolved (dependents would keep the old one)', async () => {
    const container = new Container().register(StoreToken, { lifetime: 'singleton', factory: memoryStore });
    await container.resolve(StoreToken);

    expect(() => container.override(StoreToken, memoryStore())).toThrow(
      "Cannot override 'Store': it has already been resolved.",
    );
  });

  it('refuses overriding a token that was never registered, with suggestions', () => {
    const container = productionContainer();

    expect(() => container.override(token<Store>('Stor'), memoryStore())).toThrow(UnknownTokenError);
    expect(() => container.override(token<Store>('Stor'), memoryStore())).toThrow("Did you mean 'Store'?");
  });
});
