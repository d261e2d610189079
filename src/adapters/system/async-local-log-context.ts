import { AsyncLocalStorage } from 'node:async_hooks';
import type { LogContext } from '../../ports/log-context.js';

/** {@link LogContext} on `AsyncLocalStorage`: the fields follow promises, timers and callbacks. */
export class AsyncLocalLogContext implements LogContext {
  private readonly storage = new AsyncLocalStorage<Readonly<Record<string, unknown>>>();

  run<T>(fields: Readonly<Record<string, unknown>>, fn: () => T): T {
    return this.storage.run(fields, fn);
  }

  current(): Readonly<Record<string, unknown>> | undefined {
    return this.storage.getStore();
  }
}
