import { CaptiveDependencyError, CircularDependencyError, ContainerDisposedError, ContainerError, ContainerLockedError, DuplicateTokenError, FactoryFailedError, HookFailedError, HookTimeoutError, ScopeRequiredError, UnknownTokenError, messageOf, } from './container-errors.js';
const ROOT = { scope: undefined, path: [], parent: undefined };
/**
 * The hand-rolled DI container (DESIGN §2). Register everything, optionally `override()` in
 * tests, then `start()`; `stop()` (or `dispose()`) on shutdown.
 */
export class Container {
    #entries = new Map();
    /** Singletons in the order they finished constructing and starting: dependencies first. */
    #started = [];
    #scopes = new Set();
    #stopTimeoutMs;
    #healthTimeoutMs;
    #starting;
    #stopping;
    constructor(options = {}) {
        this.#stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
        this.#healthTimeoutMs = options.healthTimeoutMs ?? 5_000;
    }
    /**
     * Registers a factory under `token`.
     * @throws {@link DuplicateTokenError} when the name is taken; {@link ContainerLockedError} after `start()`.
     */
    register(token, registration) {
        this.#assertOpen('register', token.name);
        if (this.#entries.has(token.name))
            throw new DuplicateTokenError(token.name);
        this.#entries.set(token.name, newEntry(token.name, registration));
        return this;
    }
    /**
     * Registers a value given up front (state `started` at once; never stopped).
     * @throws {@link DuplicateTokenError}; {@link ContainerLockedError} after `start()`.
     */
    registerInstance(token, value, options = {}) {
        this.#assertOpen('register', token.name);
        if (this.#entries.has(token.name))
            throw new DuplicateTokenError(token.name);
        this.#entries.set(token.name, newEntry(token.name, { ...options, lifetime: 'instance', value }));
        return this;
    }
    /**
     * Replaces a registration with a value (e.g. an in-memory adapter), for tests.
     * @throws {@link UnknownTokenError}; {@link ContainerLockedError} after `start()` or once the token was resolved.
     */
    override(token, value) {
        return this.#replace(token.name, { lifetime: 'instance', value });
    }
    /** Like {@link override}, with a full registration (any lifetime, with hooks). Same errors. */
    overrideRegistration(token, registration) {
        return this.#replace(token.name, registration);
    }
    /**
     * Resolves `token` from the root (a singleton is constructed and started on first use, once, even
     * under concurrent calls).
     * @throws {@link UnknownTokenError}, {@link CircularDependencyError}, {@link CaptiveDependencyError},
     *   {@link ScopeRequiredError} (scoped token), {@link FactoryFailedError}, {@link HookFailedError}
     *   (start hook), {@link ContainerDisposedError}.
     */
    resolve(token) {
        return this.#resolve(token.name, ROOT);
    }
    /**
     * A new scope; scoped tokens resolve to one instance per scope.
     * @throws {@link ContainerDisposedError}.
     */
    createScope() {
        if (this.#stopping)
            throw new ContainerDisposedError('create a scope');
        const scope = { instances: new Map(), building: new Set(), created: [], disposed: false };
        this.#scopes.add(scope);
        const frame = { scope, path: [], parent: undefined };
        return {
            resolve: (token) => this.#resolve(token.name, frame),
            dispose: () => (scope.disposing ??= this.#disposeScope(scope)),
        };
    }
    /**
     * Constructs every singleton in registration order (dependencies first, as factories resolve
     * them), running each start hook right after its construction. Locks registration. Idempotent.
     * On failure, call `stop()` to stop what did start.
     * @throws the errors of {@link resolve}.
     */
    start() {
        if (this.#stopping)
            return Promise.reject(new ContainerDisposedError('start'));
        this.#starting ??= this.#startAll();
        return this.#starting;
    }
    /**
     * Disposes open scopes, then runs the stop hooks of started singletons in reverse start order,
     * one at a time, each limited to `stopTimeoutMs`, continuing past failures. Values from
     * `registerInstance`/`override` are never stopped. Idempotent: later calls return the same promise.
     * @throws AggregateError of every {@link HookFailedError} / {@link HookTimeoutError}, at the end.
     */
    stop() {
        this.#stopping ??= this.#stopAll();
        return this.#stopping;
    }
    /** Same as {@link stop}. */
    dispose() {
        return this.stop();
    }
    /**
     * Runs the health hook of every started singleton and instance concurrently, each limited to
     * `healthTimeoutMs`. A throwing or late hook reports `down` with the reason. Never throws.
     */
    async health() {
        const checks = [...this.#entries.values()].flatMap((entry) => {
            const hook = 'health' in entry.registration ? entry.registration.health : undefined;
            if (entry.state !== 'started' || !hook)
                return [];
            return [this.#checkHealth(entry.name, async () => hook.call(entry.registration, entry.value))];
        });
        return Object.fromEntries(await Promise.all(checks));
    }
    /** Every registration with lifetime, state, start duration (ms), dependencies and error. JSON-safe. */
    describe() {
        return [...this.#entries.values()].map((entry) => ({
            token: entry.name,
            lifetime: entry.registration.lifetime,
            state: entry.state,
            ...(entry.durationMs === undefined ? {} : { startDurationMs: entry.durationMs }),
            dependencies: [...entry.dependencies],
            ...(entry.error === undefined ? {} : { error: entry.error }),
        }));
    }
    #assertOpen(action, name) {
        if (this.#stopping)
            throw new ContainerLockedError(action, name, 'the container has been disposed');
        if (this.#starting)
            throw new ContainerLockedError(action, name, 'the container has started');
    }
    #replace(name, registration) {
        this.#assertOpen('override', name);
        const current = this.#entries.get(name);
        if (!current)
            throw new UnknownTokenError(name, this.#entries.keys());
        if (current.pending)
            throw new ContainerLockedError('override', name, 'it has already been resolved');
        this.#entries.set(name, newEntry(name, registration));
        return this;
    }
    async #startAll() {
        for (const entry of this.#entries.values()) {
            if (entry.registration.lifetime === 'singleton')
                await this.#resolve(entry.name, ROOT);
        }
    }
    /** Resolves `name` for `from`. The checks run synchronously, before the first await. */
    #resolve(name, from) {
        if (this.#stopping)
            return Promise.reject(new ContainerDisposedError(`resolve '${name}'`));
        if (from.scope?.disposed)
            return Promise.reject(new ContainerDisposedError(`resolve '${name}'`, 'scope'));
        try {
            return this.#lookup(name, from);
        }
        catch (error) {
            return Promise.reject(error);
        }
    }
    #lookup(name, from) {
        const entry = this.#entries.get(name);
        const path = [...from.path, name];
        if (!entry)
            throw new UnknownTokenError(name, this.#entries.keys(), path);
        const loop = from.path.indexOf(name);
        if (loop >= 0)
            throw new CircularDependencyError(path.slice(loop));
        const { registration } = entry;
        const { lifetime } = registration;
        if (from.parent) {
            from.parent.dependencies.add(name);
            if (from.parent.registration.lifetime === 'singleton' &&
                (lifetime === 'transient' || lifetime === 'scoped')) {
                throw new CaptiveDependencyError(from.parent.name, name, lifetime);
            }
        }
        switch (registration.lifetime) {
            case 'instance':
                return Promise.resolve(registration.value);
            case 'transient':
                return this.#construct(entry, registration, from.scope, path);
            case 'singleton': {
                const { pending } = entry;
                if (pending)
                    return this.#awaitPending(pending, entry.state === 'starting', name, from.path);
                entry.pending = this.#createSingleton(entry, registration, path);
                return entry.pending;
            }
            case 'scoped': {
                if (!from.scope)
                    throw new ScopeRequiredError(name, path);
                const { instances, building } = from.scope;
                const existing = instances.get(name);
                if (existing)
                    return this.#awaitPending(existing, building.has(name), name, from.path);
                const created = this.#createScoped(entry, registration, from.scope, path);
                instances.set(name, created);
                return created;
            }
        }
    }
    /**
     * Before waiting on an instance another resolve is building, refuses when that construction
     * (through the dependencies recorded so far) waits on one of ours: the two would wait forever.
     */
    #awaitPending(pending, inFlight, name, path) {
        const route = inFlight ? this.#routeTo(name, path, new Set()) : undefined;
        const waitsOn = route?.at(-1);
        if (route && waitsOn !== undefined) {
            throw new CircularDependencyError([...path.slice(path.indexOf(waitsOn)), ...route]);
        }
        return pending;
    }
    #routeTo(name, targets, seen) {
        if (targets.includes(name))
            return [name];
        if (seen.has(name))
            return undefined;
        seen.add(name);
        for (const dependency of this.#entries.get(name)?.dependencies ?? []) {
            const rest = this.#routeTo(dependency, targets, seen);
            if (rest)
                return [name, ...rest];
        }
        return undefined;
    }
    async #construct(entry, registration, scope, path) {
        const resolver = {
            resolve: (token) => this.#resolve(token.name, { scope, path, parent: entry }),
        };
        try {
            const value = await registration.factory(resolver);
            if (entry.state === 'failed' && registration.lifetime !== 'singleton')
                entry.state = 'registered';
            return value;
        }
        catch (error) {
            throw fail(entry, error instanceof ContainerError ? error : new FactoryFailedError(entry.name, path, error));
        }
    }
    async #createSingleton(entry, registration, path) {
        const began = performance.now();
        entry.state = 'starting';
        const value = await this.#construct(entry, registration, undefined, path);
        try {
            await registration.start?.(value);
        }
        catch (error) {
            throw fail(entry, new HookFailedError(entry.name, 'start', error));
        }
        entry.value = value;
        entry.state = 'started';
        entry.durationMs = Math.round((performance.now() - began) * 100) / 100;
        this.#started.push(entry);
        return value;
    }
    async #createScoped(entry, registration, scope, path) {
        scope.building.add(entry.name);
        try {
            const value = await this.#construct(entry, registration, scope, path);
            scope.created.push({ entry, value });
            return value;
        }
        finally {
            scope.building.delete(entry.name);
        }
    }
    async #stopAll() {
        const pending = [...this.#entries.values()].map((entry) => entry.pending);
        await Promise.allSettled([this.#starting, ...pending]);
        const errors = [];
        for (const scope of [...this.#scopes].reverse()) {
            await (scope.disposing ??= this.#disposeScope(scope)).catch((error) => {
                errors.push(...(error instanceof AggregateError ? error.errors : [error]));
            });
        }
        for (const entry of [...this.#started].reverse()) {
            entry.state = 'stopping';
            const error = await this.#runStop(entry, entry.value);
            entry.state = error ? 'failed' : 'stopped';
            if (error)
                errors.push(fail(entry, error));
        }
        if (errors.length)
            throw new AggregateError(errors, `${errors.length} service(s) failed to stop`);
    }
    async #disposeScope(scope) {
        scope.disposed = true;
        const errors = [];
        for (const { entry, value } of [...scope.created].reverse()) {
            const error = await this.#runStop(entry, value);
            if (error)
                errors.push(error);
        }
        this.#scopes.delete(scope);
        if (errors.length)
            throw new AggregateError(errors, `${errors.length} scoped service(s) failed to stop`);
    }
    /** Runs the stop hook (if any) within its timeout; returns the error instead of throwing. */
    async #runStop(entry, value) {
        const { registration } = entry;
        if (!('stop' in registration) || !registration.stop)
            return undefined;
        const timeoutMs = registration.stopTimeoutMs ?? this.#stopTimeoutMs;
        const hook = registration.stop;
        try {
            const stop = async () => hook.call(registration, value);
            await withTimeout(stop(), timeoutMs, () => new HookTimeoutError(entry.name, 'stop', timeoutMs));
            return undefined;
        }
        catch (error) {
            return error instanceof HookTimeoutError ? error : new HookFailedError(entry.name, 'stop', error);
        }
    }
    async #checkHealth(name, check) {
        const began = performance.now();
        let result;
        try {
            const timeout = () => new HookTimeoutError(name, 'health', this.#healthTimeoutMs);
            result = await withTimeout(check(), this.#healthTimeoutMs, timeout);
        }
        catch (error) {
            result = { status: 'down', detail: messageOf(error) };
        }
        return [name, { ...result, durationMs: Math.round((performance.now() - began) * 100) / 100 }];
    }
}
function newEntry(name, registration) {
    const state = registration.lifetime === 'instance' ? 'started' : 'registered';
    return { name, registration, state, dependencies: new Set() };
}
function fail(entry, error) {
    entry.state = 'failed';
    entry.error = error.message;
    return error;
}
function withTimeout(work, ms, onTimeout) {
    let timer;
    const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(onTimeout()), ms);
    });
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
//# sourceMappingURL=container.js.map