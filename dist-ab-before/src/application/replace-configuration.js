import { errAsync } from 'neverthrow';
import { validateConfiguration, } from '../domain/configuration.js';
import { findOwnedConfiguration } from './find-owned-configuration.js';
/** Replaces name, description and defaults of one of the caller's configurations (PUT /configurations/{id}). */
export class ReplaceConfiguration {
    deps;
    constructor(deps) {
        this.deps = deps;
    }
    /** @returns the updated configuration; `ConfigurationNotFound` also for another user's. */
    execute(input) {
        const fields = validateConfiguration(input.configuration);
        if (fields.isErr())
            return errAsync(fields.error);
        return findOwnedConfiguration(this.deps.configurations, input.principal.userId, input.configurationId).andThen((existing) => this.deps.configurations.update({ ...existing, ...fields.value, updatedAt: this.deps.clock.now() }));
    }
}
//# sourceMappingURL=replace-configuration.js.map