import { errAsync, type ResultAsync } from 'neverthrow';
import {
  validateConfiguration,
  type Configuration,
  type InvalidConfiguration,
} from '../domain/configuration.js';
import type { Principal } from '../domain/principal.js';
import type { Clock } from '../ports/clock.js';
import type { ConfigurationNameTaken, ConfigurationRepository } from '../ports/configuration-repository.js';
import type { DatabaseUnavailable } from '../ports/errors.js';
import type { IdGenerator } from '../ports/id-generator.js';

/** Untrusted fields of a configuration (validated by the domain). */
export interface ConfigurationInput {
  readonly name?: unknown;
  readonly description?: unknown;
  /** A partial VideoSpec. */
  readonly defaults?: unknown;
}

export type CreateConfigurationError = InvalidConfiguration | ConfigurationNameTaken | DatabaseUnavailable;

/** Saves a new named preset of spec defaults for the caller (POST /configurations). */
export class CreateConfiguration {
  constructor(
    private readonly deps: {
      readonly configurations: ConfigurationRepository;
      readonly clock: Clock;
      readonly ids: IdGenerator;
    },
  ) {}

  /** @returns the stored configuration, `InvalidConfiguration` with field paths, or `ConfigurationNameTaken`. */
  execute(input: {
    principal: Principal;
    configuration: ConfigurationInput;
  }): ResultAsync<Configuration, CreateConfigurationError> {
    const fields = validateConfiguration(input.configuration);
    if (fields.isErr()) return errAsync(fields.error);
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
