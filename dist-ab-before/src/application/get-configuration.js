import { findOwnedConfiguration } from './find-owned-configuration.js';
/** One of the caller's configurations (GET /configurations/{id}). */
export class GetConfiguration {
    deps;
    constructor(deps) {
        this.deps = deps;
    }
    /** @returns the configuration, or `ConfigurationNotFound` (also for another user's). */
    execute(input) {
        return findOwnedConfiguration(this.deps.configurations, input.principal.userId, input.configurationId);
    }
}
//# sourceMappingURL=get-configuration.js.map