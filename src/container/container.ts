import {
  CaptiveDependencyError,
  CircularDependencyError,
  ContainerDisposedError,
  ContainerError,
  ContainerLockedError,
  DuplicateTokenError,
  FactoryFailedError,
  HookFailedError,
  HookTimeoutError,
  ScopeRequiredError,
  UnknownTokenError,
  messageOf,
} from './container-errors.js';
import type { Token } from './token.js';

/** What factories receive: `r.resolve(token)` is how a dependency is declared and obtained. */
export interface Resolver {
  /** @throws the errors listed on {@link Container.resolve}. */
  resolve<T>(token: Token<T>): Promise<T>;
}

export type Lifetime = 'singleton' | 'transient' | 'scoped' | 'instance';
export type RegistrationState = 'registered' | 'starting' | 'started' | 'stopping' | 'stopped' | 'failed';
export type HealthStatus = 'up' | 'degraded' | 'down';

/** What a health hook returns. `detail` must be JSON-serialisable. */
export interface HealthResult {
  readonly status: HealthStatus;
  readonly detail?: string | Readonly<Record<string, unknown>>;
}

/** One entry of {@link Container.health}: the hook's result and how long it took, in ms. */
export interface HealthReport extends HealthResult {
  readonly durationMs: number;
}

export type Factory<T> = (r: Resolver) => T | Promise<T>;

/** One instance per container, constructed and started on first resolve (or by `start()`). */
export interface SingletonRegistration<T> {
  readonly lifetime: 'singleton';
  readonly factory: Factory<T>;
  start?(instance: T): void | Promise<void>;
  stop?(instance: T): void | Promise<void>;
  health?(instance: T): HealthResult | Promise<HealthResult>;
  /** Overrides the container's `stopTimeoutMs` for this service. */
  readonly stopTimeoutMs?: number;
}

/** One instance per scope (per HTTP request), stopped when the scope is disposed. */
export interface ScopedRegistration<T> {
  readonly lifetime: 'scoped';
  readonly factory: Factory<T>;
  stop?(instance: T): void | Promise<void>;
  readonly stopTimeoutMs?: number;
}

/** A new instance on every resolve; the container does not track or stop it. */
export interface TransientRegistration<T> {
  readonly lifetime: 'transient';
  readonly factory: Factory<T>;
}

export type Registration<T> = SingletonRegistration<T> | ScopedRegistration<T> | TransientRegistration<T>;

/** A value given up front. It can report health; the container never stops it. */
export interface InstanceOptions<T> {
  health?(instance: T): HealthResult | Promise<HealthResult>;
}

export interface ContainerOptions {
  /** Per-service limit for a stop hook, in ms; a hung stop is abandoned. Default 10,000. */
  readonly stopTimeoutMs?: number;
  /** Per-service limit for a health hook, in ms; a late answer counts as `down`. Default 5,000. */
  readonly healthTimeoutMs?: number;
  /**
   * How `start()` constructs the singletons. `sequential` (default): one registration at a time,
   * in registration order. `concurrent`: every singleton's construction begins at once, so
   * independent ones (a database connection, a Redis connection, a bucket check) overlap; each
   * still waits for the dependencies its factory resolves, so start hooks keep dependency order,
   * and `start()` settles only when every construction has, reporting every failure.
   */
  readonly startMode?: 'sequential' | 'concurrent';
}

/** One registration as served by `GET /api/v1/system/container`; plain JSON. */
export interface RegistrationInfo {
  readonly token: string;
  readonly lifetime: Lifetime;
  readonly state: RegistrationState;
  /** Construction plus start hook, in ms (wall clock, including dependencies built on its behalf). */
  readonly startDurationMs?: number;
  /** Names of the tokens its factory resolved, in first-resolved order. */
  readonly dependencies: readonly string[];
  readonly error?: string;
}

/** A child resolver with its own scoped instances; create one per HTTP request and dispose it. */
export interface Scope extends Resolver {
  /**
   * Stops this scope's scoped instances in reverse creation order, one at a time, each with the
   * stop timeout. Idempotent: later calls return the same promise.
   * @throws AggregateError of {@link HookFailedError} / {@link HookTimeoutError}, after all stops ran.
   */
  dispose(): Promise<void>;
}

type InstanceRegistration = InstanceOptions<unknown> & {
  readonly lifetime: 'instance';
  readonly value: unknown;
};

interface Entry {
  readonly name: string;
  readonly registration: Registration<unknown> | InstanceRegistration;
  state: RegistrationState;
  readonly dependencies: Set<string>;
  /** The singleton's construction (factory + start hook), shared by concurrent resolves. */
  pending?: Promise<unknown>;
  value?: unknown;
  durationMs?: number;
  error?: string;
}

interface ScopeState {
  readonly instances: Map<string, Promise<unknown>>;
  /** Names whose scoped instance is being constructed right now. */
  readonly building: Set<string>;
  readonly created: { readonly entry: Entry; readonly value: unknown }[];
  disposed: boolean;
  disposing?: Promise<void>;
}

/** Where a resolve comes from: the scope (if any), the chain of names, and the requesting entry. */
interface Frame {
  readonly scope: ScopeState | undefined;
  readonly path: readonly string[];
  readonly parent: Entry | undefined;
}

const ROOT: Frame = { scope: undefined, path: [], parent: undefined };

/**
 * The hand-rolled DI container (DESIGN §2). Register everything, optionally `override()` in
 * tests, then `start()`; `stop()` (or `dispose()`) on shutdown.
 */
export class Container implements Resolver {
  readonly #entries = new Map<string, Entry>();
  /** Singletons in the order they finished constructing and starting: dependencies first. */
  readonly #started: Entry[] = [];
  readonly #scopes = new Set<ScopeState>();
  readonly #stopTimeoutMs: number;
  readonly #healthTimeoutMs: number;
  readonly #startMode: 'sequential' | 'concurrent';
  #starting: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;

  constructor(options: ContainerOptions = {}) {
    this.#stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
    this.#healthTimeoutMs = options.healthTimeoutMs ?? 5_000;
    this.#startMode = options.startMode ?? 'sequential';
  }

  /**
   * Registers a factory under `token`.
   * @throws {@link DuplicateTokenError} when the name is taken; {@link ContainerLockedError} after `start()`.
   */
  register<T>(token: Token<T>, registration: Registration<NoInfer<T>>): this {
    this.#assertOpen('register', token.name);
    if (this.#entries.has(token.name)) throw new DuplicateTokenError(token.name);
    this.#entries.set(token.name, newEntry(token.name, registration));
    return this;
  }

  /**
   * Registers a value given up front (state `started` at once; never stopped).
   * @throws {@link DuplicateTokenError}; {@link ContainerLockedError} after `start()`.
   */
  registerInstance<T>(token: Token<T>, value: NoInfer<T>, options: InstanceOptions<NoInfer<T>> = {}): this {
    this.#assertOpen('register', token.name);
    if (this.#entries.has(token.name)) throw new DuplicateTokenError(token.name);
    this.#entries.set(token.name, newEntry(token.name, { ...options, lifetime: 'instance', value }));
    return this;
  }

  /**
   * Replaces a registration with a value (e.g. an in-memory adapter), for tests.
   * @throws {@link UnknownTokenError}; {@link ContainerLockedError} after `start()` or once the token was resolved.
   */
  override<T>(token: Token<T>, value: NoInfer<T>): this {
    return this.#replace(token.name, { lifetime: 'instance', value });
  }

  /** Like {@link override}, with a full registration (any lifetime, with hooks). Same errors. */
  overrideRegistration<T>(token: Token<T>, registration: Registration<NoInfer<T>>): this {
    return this.#replace(token.name, registration);
  }

  /**
   * Resolves `token` from the root (a singleton is constructed and started on first use, once, even
   * under concurrent calls).
   * @throws {@link UnknownTokenError}, {@link CircularDependencyError}, {@link CaptiveDependencyError},
   *   {@link ScopeRequiredError} (scoped token), {@link FactoryFailedError}, {@link HookFailedError}
   *   (start hook), {@link ContainerDisposedError}.
   */
  resolve<T>(token: Token<T>): Promise<T> {
    return this.#resolve(token.name, ROOT) as Promise<T>;
  }

  /**
   * A new scope; scoped tokens resolve to one instance per scope.
   * @throws {@link ContainerDisposedError}.
   */
  createScope(): Scope {
    if (this.#stopping) throw new ContainerDisposedError('create a scope');
    const scope: ScopeState = { instances: new Map(), building: new Set(), created: [], disposed: false };
    this.#scopes.add(scope);
    const frame: Frame = { scope, path: [], parent: undefined };
    return {
      resolve: <T>(token: Token<T>) => this.#resolve(token.name, frame) as Promise<T>,
      dispose: () => (scope.disposing ??= this.#disposeScope(scope)),
    };
  }

  /**
   * Constructs every singleton in registration order (dependencies first, as factories resolve
   * them), running each start hook right after its construction. Locks registration. Idempotent.
   * With `startMode: 'concurrent'` the constructions overlap (see {@link ContainerOptions}).
   * On failure, call `stop()` to stop what did start.
   * @throws the errors of {@link resolve}; in concurrent mode, when several registrations failed
   *   independently, one `AggregateError` of them all (a failure shared by dependents counts once).
   */
  start(): Promise<void> {
    if (this.#stopping) return Promise.reject(new ContainerDisposedError('start'));
    this.#starting ??= this.#startAll();
    return this.#starting;
  }

  /**
   * Disposes open scopes, then runs the stop hooks of started singletons in reverse start order,
   * one at a time, each limited to `stopTimeoutMs`, continuing past failures. Values from
   * `registerInstance`/`override` are never stopped. Idempotent: later calls return the same promise.
   * @throws AggregateError of every {@link HookFailedError} / {@link HookTimeoutError}, at the end.
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#stopAll();
    return this.#stopping;
  }

  /** Same as {@link stop}. */
  dispose(): Promise<void> {
    return this.stop();
  }

  /**
   * Runs the health hook of every started singleton and instance concurrently, each limited to
   * `healthTimeoutMs`. A throwing or late hook reports `down` with the reason. Never throws.
   */
  async health(): Promise<Record<string, HealthReport>> {
    const checks = [...this.#entries.values()].flatMap((entry) => {
      const hook = 'health' in entry.registration ? entry.registration.health : undefined;
      if (entry.state !== 'started' || !hook) return [];
      return [this.#checkHealth(entry.name, async () => hook.call(entry.registration, entry.value))];
    });
    return Object.fromEntries(await Promise.all(checks));
  }

  /** Every registration with lifetime, state, start duration (ms), dependencies and error. JSON-safe. */
  describe(): RegistrationInfo[] {
    return [...this.#entries.values()].map((entry) => ({
      token: entry.name,
      lifetime: entry.registration.lifetime,
      state: entry.state,
      ...(entry.durationMs === undefined ? {} : { startDurationMs: entry.durationMs }),
      dependencies: [...entry.dependencies],
      ...(entry.error === undefined ? {} : { error: entry.error }),
    }));
  }

  #assertOpen(action: 'register' | 'override', name: string): void {
    if (this.#stopping) throw new ContainerLockedError(action, name, 'the container has been disposed');
    if (this.#starting) throw new ContainerLockedError(action, name, 'the container has started');
  }

  #replace(name: string, registration: Registration<unknown> | InstanceRegistration): this {
    this.#assertOpen('override', name);
    const current = this.#entries.get(name);
    if (!current) throw new UnknownTokenError(name, this.#entries.keys());
    if (current.pending) throw new ContainerLockedError('override', name, 'it has already been resolved');
    this.#entries.set(name, newEntry(name, registration));
    return this;
  }

  async #startAll(): Promise<void> {
    const singletons = [...this.#entries.values()].filter((e) => e.registration.lifetime === 'singleton');
    if (this.#startMode === 'sequential') {
      for (const entry of singletons) await this.#resolve(entry.name, ROOT);
      return;
    }
    const settled = await Promise.allSettled(singletons.map((entry) => this.#resolve(entry.name, ROOT)));
    // A dependency's failure reaches each dependent as the same error object: report it once.
    const errors = [
      ...new Set(settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []))),
    ];
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1)
      throw new AggregateError(
        errors,
        `${errors.length} services failed to start: ${errors.map(messageOf).join('; ')}`,
      );
  }

  /** Resolves `name` for `from`. The checks run synchronously, before the first await. */
  #resolve(name: string, from: Frame): Promise<unknown> {
    if (this.#stopping) return Promise.reject(new ContainerDisposedError(`resolve '${name}'`));
    if (from.scope?.disposed) return Promise.reject(new ContainerDisposedError(`resolve '${name}'`, 'scope'));
    try {
      return this.#lookup(name, from);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #lookup(name: string, from: Frame): Promise<unknown> {
    const entry = this.#entries.get(name);
    const path = [...from.path, name];
    if (!entry) throw new UnknownTokenError(name, this.#entries.keys(), path);
    const loop = from.path.indexOf(name);
    if (loop >= 0) throw new CircularDependencyError(path.slice(loop));
    const { registration } = entry;
    const { lifetime } = registration;
    if (from.parent) {
      from.parent.dependencies.add(name);
      if (
        from.parent.registration.lifetime === 'singleton' &&
        (lifetime === 'transient' || lifetime === 'scoped')
      ) {
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
        if (pending) return this.#awaitPending(pending, entry.state === 'starting', name, from.path);
        entry.pending = this.#createSingleton(entry, registration, path);
        return entry.pending;
      }
      case 'scoped': {
        if (!from.scope) throw new ScopeRequiredError(name, path);
        const { instances, building } = from.scope;
        const existing = instances.get(name);
        if (existing) return this.#awaitPending(existing, building.has(name), name, from.path);
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
  #awaitPending(pending: Promise<unknown>, inFlight: boolean, name: string, path: readonly string[]) {
    const route = inFlight ? this.#routeTo(name, path, new Set()) : undefined;
    const waitsOn = route?.at(-1);
    if (route && waitsOn !== undefined) {
      throw new CircularDependencyError([...path.slice(path.indexOf(waitsOn)), ...route]);
    }
    return pending;
  }

  #routeTo(name: string, targets: readonly string[], seen: Set<string>): string[] | undefined {
    if (targets.includes(name)) return [name];
    if (seen.has(name)) return undefined;
    seen.add(name);
    for (const dependency of this.#entries.get(name)?.dependencies ?? []) {
      const rest = this.#routeTo(dependency, targets, seen);
      if (rest) return [name, ...rest];
    }
    return undefined;
  }

  async #construct(
    entry: Entry,
    registration: Registration<unknown>,
    scope: ScopeState | undefined,
    path: string[],
  ) {
    const resolver: Resolver = {
      resolve: <T>(token: Token<T>) =>
        this.#resolve(token.name, { scope, path, parent: entry }) as Promise<T>,
    };
    try {
      const value = await registration.factory(resolver);
      if (entry.state === 'failed' && registration.lifetime !== 'singleton') entry.state = 'registered';
      return value;
    } catch (error) {
      throw fail(
        entry,
        error instanceof ContainerError ? error : new FactoryFailedError(entry.name, path, error),
      );
    }
  }

  async #createSingleton(entry: Entry, registration: SingletonRegistration<unknown>, path: string[]) {
    const began = performance.now();
    entry.state = 'starting';
    const value = await this.#construct(entry, registration, undefined, path);
    try {
      await registration.start?.(value);
    } catch (error) {
      throw fail(entry, new HookFailedError(entry.name, 'start', error));
    }
    entry.value = value;
    entry.state = 'started';
    entry.durationMs = Math.round((performance.now() - began) * 100) / 100;
    this.#started.push(entry);
    return value;
  }

  async #createScoped(
    entry: Entry,
    registration: ScopedRegistration<unknown>,
    scope: ScopeState,
    path: string[],
  ) {
    scope.building.add(entry.name);
    try {
      const value = await this.#construct(entry, registration, scope, path);
      scope.created.push({ entry, value });
      return value;
    } finally {
      scope.building.delete(entry.name);
    }
  }

  async #stopAll(): Promise<void> {
    const pending = [...this.#entries.values()].map((entry) => entry.pending);
    await Promise.allSettled([this.#starting, ...pending]);
    const errors: unknown[] = [];
    for (const scope of [...this.#scopes].reverse()) {
      await (scope.disposing ??= this.#disposeScope(scope)).catch((error: unknown) => {
        errors.push(...(error instanceof AggregateError ? error.errors : [error]));
      });
    }
    for (const entry of [...this.#started].reverse()) {
      entry.state = 'stopping';
      const error = await this.#runStop(entry, entry.value);
      entry.state = error ? 'failed' : 'stopped';
      if (error) errors.push(fail(entry, error));
    }
    if (errors.length) throw new AggregateError(errors, `${errors.length} service(s) failed to stop`);
  }

  async #disposeScope(scope: ScopeState): Promise<void> {
    scope.disposed = true;
    const errors: ContainerError[] = [];
    for (const { entry, value } of [...scope.created].reverse()) {
      const error = await this.#runStop(entry, value);
      if (error) errors.push(error);
    }
    this.#scopes.delete(scope);
    if (errors.length) throw new AggregateError(errors, `${errors.length} scoped service(s) failed to stop`);
  }

  /** Runs the stop hook (if any) within its timeout; returns the error instead of throwing. */
  async #runStop(entry: Entry, value: unknown): Promise<ContainerError | undefined> {
    const { registration } = entry;
    if (!('stop' in registration) || !registration.stop) return undefined;
    const timeoutMs = registration.stopTimeoutMs ?? this.#stopTimeoutMs;
    const hook = registration.stop;
    try {
      const stop = async () => hook.call(registration, value);
      await withTimeout(stop(), timeoutMs, () => new HookTimeoutError(entry.name, 'stop', timeoutMs));
      return undefined;
    } catch (error) {
      return error instanceof HookTimeoutError ? error : new HookFailedError(entry.name, 'stop', error);
    }
  }

  async #checkHealth(name: string, check: () => Promise<HealthResult>): Promise<[string, HealthReport]> {
    const began = performance.now();
    let result: HealthResult;
    try {
      const timeout = () => new HookTimeoutError(name, 'health', this.#healthTimeoutMs);
      result = await withTimeout(check(), this.#healthTimeoutMs, timeout);
    } catch (error) {
      result = { status: 'down', detail: messageOf(error) };
    }
    return [name, { ...result, durationMs: Math.round((performance.now() - began) * 100) / 100 }];
  }
}

function newEntry(name: string, registration: Registration<unknown> | InstanceRegistration): Entry {
  const state = registration.lifetime === 'instance' ? 'started' : 'registered';
  return { name, registration, state, dependencies: new Set() };
}

function fail<E extends Error>(entry: Entry, error: E): E {
  entry.state = 'failed';
  entry.error = error.message;
  return error;
}

function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
