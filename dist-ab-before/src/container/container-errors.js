/** The base class of all container errors: a programmer or wiring error, never a domain outcome. */
export class ContainerError extends Error {
    constructor(message, options) {
        super(message, options);
        this.name = new.target.name;
    }
}
const quote = (name) => `'${name}'`;
const via = (path) => (path.length > 1 ? ` (resolving ${path.join(' -> ')})` : '');
/** A token that was never registered; `suggestions` are the nearest registered names. */
export class UnknownTokenError extends ContainerError {
    token;
    code = 'UNKNOWN_TOKEN';
    suggestions;
    constructor(token, registered, path = [token]) {
        const suggestions = nearestNames(token, registered);
        const hint = suggestions.length
            ? `Did you mean ${suggestions.map(quote).join(' or ')}?`
            : 'No registered token has a similar name.';
        super(`Unknown token ${quote(token)}. ${hint}${via(path)}`);
        this.token = token;
        this.suggestions = suggestions;
    }
}
export class DuplicateTokenError extends ContainerError {
    token;
    code = 'DUPLICATE_TOKEN';
    constructor(token) {
        super(`Token ${quote(token)} is already registered; use override() to replace it.`);
        this.token = token;
    }
}
/** A factory (directly or through others) resolves itself. `path` starts and ends with the same name. */
export class CircularDependencyError extends ContainerError {
    path;
    code = 'CIRCULAR_DEPENDENCY';
    constructor(path) {
        super(`Circular dependency: ${path.join(' -> ')}`);
        this.path = path;
    }
}
/** A singleton resolved a transient or scoped registration, which it would hold for its whole life. */
export class CaptiveDependencyError extends ContainerError {
    token;
    dependency;
    dependencyLifetime;
    code = 'CAPTIVE_DEPENDENCY';
    constructor(token, dependency, dependencyLifetime) {
        super(`Singleton ${quote(token)} cannot depend on ${dependencyLifetime} ${quote(dependency)}: ` +
            `it would hold one instance for its whole life (captive dependency). ` +
            `Make ${quote(dependency)} a singleton or ${quote(token)} ${dependencyLifetime}.`);
        this.token = token;
        this.dependency = dependency;
        this.dependencyLifetime = dependencyLifetime;
    }
}
/** A scoped registration resolved from the root container instead of a scope. */
export class ScopeRequiredError extends ContainerError {
    token;
    code = 'SCOPE_REQUIRED';
    constructor(token, path = [token]) {
        super(`Scoped token ${quote(token)} cannot be resolved from the root container; ` +
            `resolve it from container.createScope()${via(path)}.`);
        this.token = token;
    }
}
/** register() or override() called too late: after start(), or after the token was resolved. */
export class ContainerLockedError extends ContainerError {
    token;
    code = 'CONTAINER_LOCKED';
    constructor(action, token, reason) {
        super(`Cannot ${action} ${quote(token)}: ${reason}.`);
        this.token = token;
    }
}
/** The container (or the scope) has been disposed. */
export class ContainerDisposedError extends ContainerError {
    code = 'CONTAINER_DISPOSED';
    constructor(action, owner = 'container') {
        super(`Cannot ${action}: the ${owner} has been disposed.`);
    }
}
/** A factory threw or rejected; the original error is `cause`. */
export class FactoryFailedError extends ContainerError {
    token;
    code = 'FACTORY_FAILED';
    constructor(token, path, cause) {
        super(`Factory of ${quote(token)} failed${via(path)}: ${messageOf(cause)}`, { cause });
        this.token = token;
    }
}
/** A start or stop hook threw or rejected; the original error is `cause`. */
export class HookFailedError extends ContainerError {
    token;
    hook;
    code = 'HOOK_FAILED';
    constructor(token, hook, cause) {
        super(`${hook}() of ${quote(token)} failed: ${messageOf(cause)}`, { cause });
        this.token = token;
        this.hook = hook;
    }
}
/** A stop or health hook did not settle in time and was abandoned. */
export class HookTimeoutError extends ContainerError {
    token;
    hook;
    timeoutMs;
    code = 'HOOK_TIMEOUT';
    constructor(token, hook, timeoutMs) {
        super(`${hook}() of ${quote(token)} did not finish within ${timeoutMs} ms and was abandoned.`);
        this.token = token;
        this.hook = hook;
        this.timeoutMs = timeoutMs;
    }
}
export const messageOf = (error) => (error instanceof Error ? error.message : String(error));
/** Up to three registered names close to `name`: by edit distance, or containing one another. */
export function nearestNames(name, registered) {
    const wanted = name.toLowerCase();
    const limit = Math.max(2, Math.floor(name.length / 3));
    const contains = (a, b) => b.length >= 3 && a.includes(b);
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
export function editDistance(a, b) {
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
//# sourceMappingURL=container-errors.js.map