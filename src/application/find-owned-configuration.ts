import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import type { Configuration } from '../domain/configuration.js';
import type { ConfigurationNotFound, ConfigurationRepository } from '../ports/configuration-repository.js';
import type { DatabaseUnavailable } from '../ports/errors.js';

/**
 * The configuration `configurationId` if `ownerId` owns it. Another user's configuration answers
 * `ConfigurationNotFound`, exactly like a missing one.
 */
export function findOwnedConfiguration(
  configurations: ConfigurationRepository,
  ownerId: string,
  configurationId: string,
): ResultAsync<Configuration, ConfigurationNotFound | DatabaseUnavailable> {
  return configurations
    .findById(configurationId)
    .andThen((c) =>
      c.ownerId === ownerId
        ? okAsync(c)
        : errAsync({ type: 'ConfigurationNotFound' as const, configurationId }),
    );
}
