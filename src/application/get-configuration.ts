import type { ResultAsync } from 'neverthrow';
import type { Configuration } from '../domain/configuration.js';
import type { Principal } from '../domain/principal.js';
import type { ConfigurationNotFound, ConfigurationRepository } from '../ports/configuration-repository.js';
import type { DatabaseUnavailable } from '../ports/errors.js';
import { findOwnedConfiguration } from './find-owned-configuration.js';

/** One of the caller's configurations (GET /configurations/{id}). */
export class GetConfiguration {
  constructor(private readonly deps: { readonly configurations: ConfigurationRepository }) {}

  /** @returns the configuration, or `ConfigurationNotFound` (also for another user's). */
  execute(input: {
    principal: Principal;
    configurationId: string;
  }): ResultAsync<Configuration, ConfigurationNotFound | DatabaseUnavailable> {
    return findOwnedConfiguration(this.deps.configurations, input.principal.userId, input.configurationId);
  }
}
