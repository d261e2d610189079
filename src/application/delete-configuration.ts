import type { ResultAsync } from 'neverthrow';
import type { Principal } from '../domain/principal.js';
import type { ConfigurationNotFound, ConfigurationRepository } from '../ports/configuration-repository.js';
import type { DatabaseUnavailable } from '../ports/errors.js';
import { findOwnedConfiguration } from './find-owned-configuration.js';

/**
 * Deletes one of the caller's configurations (DELETE /configurations/{id}). Jobs created from it
 * keep their merged spec; new requests naming it get 422 `unknown configuration`.
 */
export class DeleteConfiguration {
  constructor(private readonly deps: { readonly configurations: ConfigurationRepository }) {}

  execute(input: {
    principal: Principal;
    configurationId: string;
  }): ResultAsync<void, ConfigurationNotFound | DatabaseUnavailable> {
    return findOwnedConfiguration(
      this.deps.configurations,
      input.principal.userId,
      input.configurationId,
    ).andThen((c) => this.deps.configurations.delete(c.id));
  }
}
