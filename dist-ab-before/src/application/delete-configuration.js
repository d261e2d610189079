import { findOwnedConfiguration } from './find-owned-configuration.js';
/**
 * Deletes one of the caller's configurations (DELETE /configurations/{id}). Jobs created from it
 * keep their merged spec; new requests naming it get 422 `unknown configuration`.
 */
export class DeleteConfiguration {
    deps;
    constructor(deps) {
        this.deps = deps;
    }
    execute(input) {
        return findOwnedConfiguration(this.deps.configurations, input.principal.userId, input.configurationId).andThen((c) => this.deps.configurations.delete(c.id));
    }
}
//# sourceMappingURL=delete-configuration.js.map