import { err, ok, ResultAsync, type Result } from 'neverthrow';
import type { Configuration } from '../../domain/configuration.js';
import {
  CONFIGURATION_LIST_MAX_LIMIT,
  type ConfigurationNameTaken,
  type ConfigurationNotFound,
  type ConfigurationPage,
  type ConfigurationRepository,
} from '../../ports/configuration-repository.js';
import type { DatabaseUnavailable, InvalidCursor } from '../../ports/errors.js';
import { newestFirstPage } from './newest-first-page.js';

/** Runs `step` on a later microtask; a throw (programmer error) rejects, as a database adapter's would. */
const later = <T, E>(step: () => Result<T, E>): ResultAsync<T, E> =>
  new ResultAsync(Promise.resolve().then(step));

const byCreation = (c: Configuration): { at: Date; id: string } => ({ at: c.createdAt, id: c.id });

const copy = (c: Configuration): Configuration => ({
  ...c,
  defaults: structuredClone(c.defaults),
  createdAt: new Date(c.createdAt),
  updatedAt: new Date(c.updatedAt),
});

/** {@link ConfigurationRepository} in memory, held to the same contract as the SQL adapter. */
export class InMemoryConfigurationRepository implements ConfigurationRepository {
  private readonly configurations = new Map<string, Configuration>();

  /** @throws Error (the ResultAsync rejects) when a configuration with this id exists. */
  insert(
    configuration: Configuration,
  ): ResultAsync<Configuration, ConfigurationNameTaken | DatabaseUnavailable> {
    return later((): Result<Configuration, ConfigurationNameTaken> => {
      if (this.configurations.has(configuration.id))
        throw new Error(`duplicate configuration id ${configuration.id}`);
      if (this.nameTaken(configuration))
        return err({ type: 'ConfigurationNameTaken', name: configuration.name });
      this.configurations.set(configuration.id, copy(configuration));
      return ok(copy(configuration));
    });
  }

  findById(configurationId: string): ResultAsync<Configuration, ConfigurationNotFound | DatabaseUnavailable> {
    return later(() => {
      const c = this.configurations.get(configurationId);
      return c === undefined ? err({ type: 'ConfigurationNotFound' as const, configurationId }) : ok(copy(c));
    });
  }

  list(query: {
    readonly ownerId: string;
    readonly limit: number;
    readonly cursor?: string;
  }): ResultAsync<ConfigurationPage, InvalidCursor | DatabaseUnavailable> {
    return later((): Result<ConfigurationPage, InvalidCursor> => {
      const limit = Math.min(CONFIGURATION_LIST_MAX_LIMIT, Math.max(1, Math.floor(query.limit) || 1));
      const mine = [...this.configurations.values()].filter((c) => c.ownerId === query.ownerId);
      return newestFirstPage(mine, { cursor: query.cursor, limit, keyOf: byCreation, copy });
    });
  }

  update(
    configuration: Configuration,
  ): ResultAsync<Configuration, ConfigurationNotFound | ConfigurationNameTaken | DatabaseUnavailable> {
    return later((): Result<Configuration, ConfigurationNotFound | ConfigurationNameTaken> => {
      const stored = this.configurations.get(configuration.id);
      if (stored === undefined)
        return err({ type: 'ConfigurationNotFound', configurationId: configuration.id });
      const next: Configuration = {
        ...stored,
        name: configuration.name,
        description: configuration.description,
        defaults: configuration.defaults,
        updatedAt: configuration.updatedAt,
      };
      if (this.nameTaken(next)) return err({ type: 'ConfigurationNameTaken', name: next.name });
      this.configurations.set(next.id, copy(next));
      return ok(copy(next));
    });
  }

  delete(configurationId: string): ResultAsync<void, ConfigurationNotFound | DatabaseUnavailable> {
    return later((): Result<void, ConfigurationNotFound> =>
      this.configurations.delete(configurationId)
        ? ok(undefined)
        : err({ type: 'ConfigurationNotFound', configurationId }),
    );
  }

  private nameTaken(c: Configuration): boolean {
    for (const other of this.configurations.values())
      if (other.id !== c.id && other.ownerId === c.ownerId && other.name === c.name) return true;
    return false;
  }
}
