import { errAsync, okAsync } from 'neverthrow';
/**
 * The configuration `configurationId` if `ownerId` owns it. Another user's configuration answers
 * `ConfigurationNotFound`, exactly like a missing one.
 */
export function findOwnedConfiguration(configurations, ownerId, configurationId) {
    return configurations
        .findById(configurationId)
        .andThen((c) => c.ownerId === ownerId
        ? okAsync(c)
        : errAsync({ type: 'ConfigurationNotFound', configurationId }));
}
//# sourceMappingURL=find-owned-configuration.js.map