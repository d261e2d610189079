/** Stable codes of every error the container throws. */
export type ContainerErrorCode =
  | 'UNKNOWN_TOKEN'
  | 'DUPLICATE_TOKEN'
  | 'CIRCULAR_DEPENDENCY'
  | 'CAPTIVE_DEPENDENCY'
  | 'SCOPE_REQUIRED'
  | 'CONTAINER_LOCKED'
  | 'CONTAINER_DISPOSED'
  | 'FACTORY_FAILED'
  | 'HOOK_FAILED'
  | 'HOOK_TIMEOUT';

/**
 * The base class of all container errors: a programmer or wiring error, never a domain outcome.
 * Each subclass names itself with a string (not `new.target.name`): the bundled build does not keep
 * function names (esbuild `keepNames` cost ~25 % of the CPU of a small request, see ADR 0008).
 */
export abstract class ContainerError extends Error {
  abstract readonly code: ContainerErrorCode;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

const quote = (name: string): string => `'${name}'`;
const via = (path: readonly string[]): string => (path.length > 1 ? ` (resolving ${path.join(' -> ')})` : '');

/** A token that was never registered; `suggestions` are the nearest registered names. */
export class UnknownTokenError extends ContainerError {
  override name = 'UnknownTokenError';
  readonly code = 'UNKNOWN_TOKEN';
  readonly suggestions: readonly string[];

  constructor(
    readonly token: string,
    registered: Iterable<string>,
    path: readonly string[] = [token],
  ) {
    const suggestions = nearestNames(token, registered);
    const hint = suggestions.length
      ? `Did you mean ${suggestions.map(quote).join(' or ')}?`
      : 'No registered token has a similar name.';
    super(`Unknown token ${quote(token)}. ${hint}${via(path)}`);
    this.suggestions = suggestions;
  }
}

export class DuplicateTokenError extends ContainerError {
  override name = 'DuplicateTokenError';
  readonly code = 'DUPLICATE_TOKEN';

  constructor(readonly token: string) {
    super(`Token ${quote(token)} is already registered; use override() to replace it.`);
  }
}

/** A factory (directly or through others) resolves itself. `path` starts and ends with the same name. */
export class CircularDependencyError extends ContainerError {
  override name = 'CircularDependencyError';
  readonly code = 'CIRCULAR_DEPENDENCY';

  constructor(readonly path: readonly string[]) {
    super(`Circular dependency: ${path.join(' -> ')}`);
  }
}

/** A singleton resolved a transient or scoped registration, which it would hold for its whole life. */
export class CaptiveDependencyError extends ContainerError {
  override name = 'CaptiveDependencyError';
  readonly code = 'CAPTIVE_DEPENDENCY';

  constructor(
    readonly token: string,
    readonly dependency: string,
    readonly dependencyLifetime: 'transient' | 'scoped',
  ) {
    super(
      `Singleton ${quote(token)} cannot depend on ${dependencyLifetime} ${quote(dependency)}: ` +
        `it would hold one instance for its whole life (captive dependency). ` +
        `Make ${quote(dependency)} a singleton or ${quote(token)} ${dependencyLifetime}.`,
    );
  }
}

/** A scoped registration resolved from the root container instead of a scope. */
export class ScopeRequiredError extends ContainerError {
  override name = 'ScopeRequiredError';
  readonly code = 'SCOPE_REQUIRED';

  constructor(
    readonly token: string,
    path: readonly string[] = [token],
  ) {
    super(
      `Scoped token ${quote(token)} cannot be resolved from the root container; ` +
        `resolve it from container.createScope()${via(path)}.`,
    );
  }
}

/** register() or override() called too late: after start(), or after the token was resolved. */
export class ContainerLockedError extends ContainerError {
  override name = 'ContainerLockedError';
  readonly code = 'CONTAINER_LOCKED';

  constructor(
    action: 'register' | 'override',
    readonly token: string,
    reason: string,
  ) {
    super(`Cannot ${action} ${quote(token)}: ${reason}.`);
  }
}

/** The container (or the scope) has been disposed. */
export class ContainerDisposedError extends ContainerError {
  override name = 'ContainerDisposedError';
  readonly code = 'CONTAINER_DISPOSED';

  constructor(action: string, owner: 'container' | 'scope' = 'container') {
    super(`Cannot ${action}: the ${owner} has been disposed.`);
  }
}

/** A factory threw or rejected; the original error is `cause`. */
export class FactoryFailedError extends ContainerError {
  override name = 'FactoryFailedError';
  readonly code = 'FACTORY_FAILED';

  constructor(
    readonly token: string,
    path: readonly string[],
    cause: unknown,
  ) {
    super(`Factory of ${quote(token)} failed${via(path)}: ${messageOf(cause)}`, { cause });
  }
}

/** A start or stop hook threw or rejected; the original error is `cause`. */
export class HookFailedError extends ContainerError {
  override name = 'HookFailedError';
  readonly code = 'HOOK_FAILED';

  constructor(
    readonly token: string,
    readonly hook: 'start' | 'stop',
    cause: unknown,
  ) {
    super(`${hook}() of ${quote(token)} failed: ${messageOf(cause)}`, { cause });
  }
}

/** A stop or health hook did not settle in time and was abandoned. */
export class HookTimeoutError extends ContainerError {
  override name = 'HookTimeoutError';
  readonly code = 'HOOK_TIMEOUT';

  constructor(
    readonly token: string,
    readonly hook: 'stop' | 'health',
    readonly timeoutMs: number,
  ) {
    super(`${hook}() of ${quote(token)} did not finish within ${timeoutMs} ms and was abandoned.`);
  }
}

export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Up to three registered names close to `name`: by edit distance, or containing one another. */
export function nearestNames(name: string, registered: Iterable<string>): string[] {
  const wanted = name.toLowerCase();
  const limit = Math.max(2, Math.floor(name.length / 3));
  const contains = (a: string, b: string) => b.length >= 3 && a.includes(b);
  return [...registered]
    .map((candidate) => ({ candidate, lower: candidate.toLowerCase() }))
    .map(({ candidate, lower }) => ({
      candidate,
      distance: editDistance(wanted, lower),
      related: contains(lower, wanted) || contains(wanted, lower),
    }))
    .filter(({ distance, related }) => distance <= limit || related)
    .sort((a, b) => a.distance - b.distance)
    .slice(0, 3)
    .map(({ candidate }) => candidate);
}

/** Levenshtein distance (insert, delete, substitute), two rows. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
