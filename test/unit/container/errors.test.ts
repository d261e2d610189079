import { describe, expect, it } from 'vitest';
import { Container, type Registration } from '../../../src/container/container.js';
import {
  CaptiveDependencyError,
  CircularDependencyError,
  ContainerError,
  ContainerLockedError,
  DuplicateTokenError,
  FactoryFailedError,
  ScopeRequiredError,
  UnknownTokenError,
  editDistance,
} from '../../../src/container/container-errors.js';
import { token, type Token } from '../../../src/container/token.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const A = token<string>('A');
const B = token<string>('B');
const C = token<string>('C');

/** A singleton string service that resolves `deps` in order and joins their values. */
const singleton = (...deps: Token<string>[]): Registration<string> => ({
  lifetime: 'singleton',
  factory: async (r) => {
    const parts = [];
    for (const dep of deps) parts.push(await r.resolve(dep));
    return parts.join(',');
  },
});

describe('container errors', () => {
  it('a cycle fails at resolve with the path A -> B -> C -> A', async () => {
    const container = new Container()
      .register(A, singleton(B))
      .register(B, singleton(C))
      .register(C, singleton(A));

    const error = await container.resolve(A).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CircularDependencyError);
    expect((error as CircularDependencyError).message).toBe('Circular dependency: A -> B -> C -> A');
    expect((error as CircularDependencyError).path).toEqual(['A', 'B', 'C', 'A']);
  });

  it('a cycle fails at start() too, and a self-dependency prints A -> A', async () => {
    const container = new Container().register(A, singleton(A));

    await expect(container.start()).rejects.toThrow('Circular dependency: A -> A');
    expect(container.describe()[0]?.state).toBe('failed');
  });

  it('a cycle between two concurrent resolves fails instead of hanging', async () => {
    const slowly = (dep: Token<string>): Registration<string> => ({
      lifetime: 'singleton',
      factory: async (r) => {
        await sleep(5);
        return r.resolve(dep);
      },
    });
    const container = new Container().register(A, slowly(B)).register(B, slowly(A));

    const results = await Promise.allSettled([container.resolve(A), container.resolve(B)]);

    for (const result of results) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(CircularDependencyError);
    }
    expect(String((results[0] as PromiseRejectedResult).reason.message)).toMatch(
      /^Circular dependency: (A -> B -> A|B -> A -> B)$/,
    );
  });

  it('an unknown token names itself and the nearest registered names', async () => {
    const container = new Container()
      .registerInstance(token<string>('JobRepository'), 'repo')
      .registerInstance(token<string>('Clock'), 'clock');

    const error = await container.resolve(token<string>('JobRepo')).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(UnknownTokenError);
    expect((error as UnknownTokenError).message).toBe(
      "Unknown token 'JobRepo'. Did you mean 'JobRepository'?",
    );
    expect((error as UnknownTokenError).suggestions).toEqual(['JobRepository']);
  });

  it('an unknown token deep in the graph shows the resolution path, and a typo is suggested', async () => {
    const container = new Container()
      .registerInstance(token<string>('Clock'), 'clock')
      .register(A, { lifetime: 'singleton', factory: (r) => r.resolve(token<string>('Clokc')) });

    await expect(container.resolve(A)).rejects.toThrow(
      "Unknown token 'Clokc'. Did you mean 'Clock'? (resolving A -> Clokc)",
    );
    await expect(container.resolve(token('Zebra'))).rejects.toThrow(
      "Unknown token 'Zebra'. No registered token has a similar name.",
    );
  });

  it('editDistance is the Levenshtein distance', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });

  it('refuses a singleton depending on a transient (captive dependency), naming both', async () => {
    const container = new Container()
      .register(token<number>('RequestId'), { lifetime: 'transient', factory: () => Math.random() })
      .register(A, {
        lifetime: 'singleton',
        factory: async (r) => String(await r.resolve(token<number>('RequestId'))),
      });

    const error = await container.resolve(A).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CaptiveDependencyError);
    expect((error as Error).message).toContain("Singleton 'A' cannot depend on transient 'RequestId'");
    expect(container.describe().find((r) => r.token === 'A')).toMatchObject({
      state: 'failed',
      dependencies: ['RequestId'],
    });
  });

  it('refuses a singleton depending on a scoped registration, even when resolved from a scope', async () => {
    const container = new Container()
      .register(token<string>('User'), { lifetime: 'scoped', factory: () => 'alice' })
      .register(A, { lifetime: 'singleton', factory: (r) => r.resolve(token<string>('User')) });

    await expect(container.createScope().resolve(A)).rejects.toThrow(
      "Singleton 'A' cannot depend on scoped 'User'",
    );
  });

  it('refuses a scoped registration resolved from the root container', async () => {
    const User = token<string>('User');
    const container = new Container()
      .register(User, { lifetime: 'scoped', factory: () => 'alice' })
      .register(B, { lifetime: 'transient', factory: (r) => r.resolve(User) });

    await expect(container.resolve(User)).rejects.toThrow(ScopeRequiredError);
    await expect(container.resolve(User)).rejects.toThrow(
      "Scoped token 'User' cannot be resolved from the root container; resolve it from container.createScope().",
    );
    await expect(container.resolve(B)).rejects.toThrow('(resolving B -> User)');
    expect(await container.createScope().resolve(B)).toBe('alice');
  });

  it('refuses registering after start, and registering a name twice', async () => {
    const container = new Container().registerInstance(A, 'a');
    expect(() => container.registerInstance(token<string>('A'), 'again')).toThrow(DuplicateTokenError);
    await container.start();

    expect(() => container.register(B, singleton())).toThrow(ContainerLockedError);
    expect(() => container.registerInstance(B, 'b')).toThrow(
      "Cannot register 'B': the container has started.",
    );
  });

  it('a failing factory leaves the registration failed and throws a wrapped error with the cause', async () => {
    const boom = new Error('connection refused');
    let calls = 0;
    const container = new Container()
      .register(B, {
        lifetime: 'singleton',
        factory: () => {
          calls++;
          throw boom;
        },
      })
      .register(A, singleton(B));

    const error = await container.resolve(A).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(FactoryFailedError);
    expect((error as FactoryFailedError).message).toBe(
      "Factory of 'B' failed (resolving A -> B): connection refused",
    );
    expect((error as FactoryFailedError).token).toBe('B');
    expect((error as FactoryFailedError).cause).toBe(boom);
    expect(container.describe().map((r) => [r.token, r.state])).toEqual([
      ['B', 'failed'],
      ['A', 'failed'],
    ]);
    // The failure is kept: resolving again rethrows it without calling the factory again.
    await expect(container.resolve(B)).rejects.toThrow("Factory of 'B' failed (resolving A -> B)");
    expect(calls).toBe(1);
  });

  it('a failing transient is failed until its factory succeeds again', async () => {
    let attempt = 0;
    const container = new Container().register(A, {
      lifetime: 'transient',
      factory: () => {
        if (++attempt === 1) throw new Error('flaky');
        return 'ok';
      },
    });

    await expect(container.resolve(A)).rejects.toThrow("Factory of 'A' failed: flaky");
    expect(container.describe()[0]).toMatchObject({ state: 'failed', error: "Factory of 'A' failed: flaky" });
    expect(await container.resolve(A)).toBe('ok');
    expect(container.describe()[0]?.state).toBe('registered');
  });

  it('every error shares the ContainerError base class and has a stable code', async () => {
    const container = new Container().register(A, singleton(A));
    const errors = await Promise.all([
      container.resolve(A).catch((e: unknown) => e),
      container.resolve(C).catch((e: unknown) => e),
    ]);

    expect(errors.every((e) => e instanceof ContainerError)).toBe(true);
    expect(errors.map((e) => (e as ContainerError).code)).toEqual(['CIRCULAR_DEPENDENCY', 'UNKNOWN_TOKEN']);
    expect(errors.map((e) => (e as Error).name)).toEqual(['CircularDependencyError', 'UnknownTokenError']);
  });
});
