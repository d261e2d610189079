import { AsyncLocalStorage } from 'node:async_hooks';
/** {@link LogContext} on `AsyncLocalStorage`: the fields follow promises, timers and callbacks. */
export class AsyncLocalLogContext {
    storage = new AsyncLocalStorage();
    run(fields, fn) {
        return this.storage.run(fields, fn);
    }
    current() {
        return this.storage.getStore();
    }
}
//# sourceMappingURL=async-local-log-context.js.map