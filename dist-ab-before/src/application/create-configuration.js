import { errAsync } from 'neverthrow';
import { validateConfiguration, } from '../domain/configuration.js';
/** Saves a new named preset of spec defaults for the caller (POST /configurations). */
export class CreateConfiguration {
    deps;
    constructor(deps) {
        this.deps = deps;
    }
    /** @returns the stored configuration, `InvalidConfiguration` with field paths, or `ConfigurationNameTaken`. */
    execute(input) {
        const fields = validateConfiguration(input.configuration);
        if (fields.isErr())
            return errAsync(fields.error);
        const now = this.deps.clock.now();
        return this.deps.configurations.insert({
            id: this.deps.ids.next(),
            ownerId: input.principal.userId,
            ...fields.value,
            createdAt: now,
            updatedAt: now,
        });
    }
}
//# sourceMappingURL=create-configuration.js.map