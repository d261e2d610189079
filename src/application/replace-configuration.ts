import { errAsync, type ResultAsync } from 'neverthrow';
import {
  validateConfiguration,
  type Configuration,
  type InvalidConfiguration,
} from '../domain/configuration.js';
import type { Principal } from '../domain/principal.js';
import type { Clock } from '../ports/clock.js';
import type {
  ConfigurationNameTaken,
  ConfigurationNotFound,
  ConfigurationRepository,
} from '../ports/configuration-repository.js';
import type { DatabaseUnavailable } from '../ports/errors.js';
import type { ConfigurationInput } from './create-configuration.js';
import { findOwnedConfiguration } from './find-owned-configuration.js';

export type ReplaceConfigurationError =
  InvalidConfiguration | ConfigurationNotFound | ConfigurationNameTaken | DatabaseUnavailable;

/** Replaces name, description and defaults of one of the caller's configurations (PUT /configurations/{id}). */
export class ReplaceConfiguration {
  constructor(
    private readonly deps: { readonly configurations: ConfigurationRepository; readonly clock: Clock },
  ) {}

  /** @returns the updated configuration; `ConfigurationNotFound` also for another user's. */
  execute(input: {
    principal: Principal;
    configurationId: string;
    configuration: ConfigurationInput;
  }): ResultAsync<Configuration, ReplaceConfigurationError> {
    const fields = validateConfiguration(input.configuration);
    if (fields.isErr()) return errAsync(fields.error);
    return findOwnedConfiguration(
      this.deps.configurations,
      input.principal.userId,
      input.configurationId,
    ).andThen((existing) =>
      this.deps.configurations.update({ ...existing, ...fields.value, updatedAt: this.deps.clock.now() }),
    );
  }
}
