import { describe, expect, it } from 'vitest';
import { Container } from '../../../src/container/container.js';
import { token } from '../../../src/container/token.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

class Counter {
  static made = 0;
  readonly id = ++Counter.made;
}

const CounterToken = token<Counter>('Counter');

describe('lifetimes', () => {
  it('singleton: one instance per container', async () => {
    const container = new Container().register(CounterToken, {
      lifetime: 'singleton',
      factory: () => new Counter(),
    });

    const first = await container.resolve(CounterToken);
    const second = await container.resolve(CounterToken);

    expect(second).toBe(first);
    expect(await container.createScope().resolve(CounterToken)).toBe(first);
  });

  it('transient: a new instance on every resolve', async () => {
    const container = new Container().register(CounterToken, {
      lifetime: 'transient',
      factory: () => new Counter(),
    });

    const first = await container.resolve(CounterToken);
    const second = await container.resolve(CounterToken);

    expect(second).not.toBe(first);
    expect(second.id).toBe(first.id + 1);
  });

  it('scoped: one instance per scope, a different one in another scope', async () => {
    const container = new Container().register(CounterToken, {
      lifetime: 'scoped',
      factory: () => new Counter(),
    });
    const requestA = container.createScope();
    const requestB = container.createScope();

    const a1 = await requestA.resolve(CounterToken);
    const a2 = await requestA.resolve(CounterToken);
    const b1 = await requestB.resolve(CounterToken);

    expect(a2).toBe(a1);
    expect(b1).not.toBe(a1);
  });

  it('scoped: a transient resolving a scoped token inside a scope shares the scope instance', async () => {
    const Handler = token<{ counter: Counter }>('Handler');
    const container = new Container()
      .register(CounterToken, { lifetime: 'scoped', factory: () => new Counter() })
      .register(Handler, {
        lifetime: 'transient',
        factory: async (r) => ({ counter: await r.resolve(CounterToken) }),
      });
    const scope = container.createScope();

    const handler = await scope.resolve(Handler);

    expect(handler.counter).toBe(await scope.resolve(CounterToken));
  });

  it('instance: resolves to the value given up front', async () => {
    const config = { port: 8080 };
    const Config = token<{ port: number }>('Config');
    const container = new Container().registerInstance(Config, config);

    expect(await container.resolve(Config)).toBe(config);
  });

  it('async factories: dependencies are awaited and injected', async () => {
    const Url = token<string>('DatabaseUrl');
    const Pool = token<{ url: string; open: boolean }>('Pool');
    const container = new Container().registerInstance(Url, 'postgres://db').register(Pool, {
      lifetime: 'singleton',
      factory: async (r) => {
        await sleep(5);
        return { url: await r.resolve(Url), open: true };
      },
    });

    expect(await container.resolve(Pool)).toEqual({ url: 'postgres://db', open: true });
  });

  it('concurrent resolves of one singleton construct it once', async () => {
    let constructions = 0;
    const Slow = token<{ n: number }>('Slow');
    const container = new Container().register(Slow, {
      lifetime: 'singleton',
      factory: async () => {
        constructions++;
        await sleep(10);
        return { n: constructions };
      },
    });

    const results = await Promise.all(Array.from({ length: 10 }, () => container.resolve(Slow)));

    expect(constructions).toBe(1);
    expect(new Set(results).size).toBe(1);
  });

  it('concurrent resolves of one scoped token in a scope construct it once', async () => {
    let constructions = 0;
    const container = new Container().register(CounterToken, {
      lifetime: 'scoped',
      factory: async () => {
        constructions++;
        await sleep(5);
        return new Counter();
      },
    });
    const scope = container.createScope();

    const [a, b] = await Promise.all([scope.resolve(CounterToken), scope.resolve(CounterToken)]);

    expect(constructions).toBe(1);
    expect(a).toBe(b);
  });
});
