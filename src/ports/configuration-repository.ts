import type { ResultAsync } from 'neverthrow';
import type { Configuration } from '../domain/configuration.js';
import type { DatabaseUnavailable, InvalidCursor } from './errors.js';

/** No configuration with this id (for this caller: another user's is reported the same way). */
export interface ConfigurationNotFound {
  readonly type: 'ConfigurationNotFound';
  readonly configurationId: string;
}

/** The owner already has a configuration with this name. */
export interface ConfigurationNameTaken {
  readonly type: 'ConfigurationNameTaken';
  readonly name: string;
}

/** Largest page {@link ConfigurationRepository.list} returns. */
export const CONFIGURATION_LIST_MAX_LIMIT = 100;

export interface ConfigurationPage {
  readonly items: readonly Configuration[];
  /** Opaque cursor of the next page (keyset on `(createdAt, id)`, newest first), `null` at the end. */
  readonly nextCursor: string | null;
}

/** Saved generation presets; names are unique per owner (exact, case-sensitive match). */
export interface ConfigurationRepository {
  /** Stores a new configuration. @returns `ConfigurationNameTaken` when the owner has that name. */
  insert(
    configuration: Configuration,
  ): ResultAsync<Configuration, ConfigurationNameTaken | DatabaseUnavailable>;
  /** The configuration with this id, any owner. */
  findById(configurationId: string): ResultAsync<Configuration, ConfigurationNotFound | DatabaseUnavailable>;
  /**
   * One page of an owner's configurations, newest first (ties by id, descending); `limit` is
   * clamped to 1–{@link CONFIGURATION_LIST_MAX_LIMIT}.
   * @returns the page, or `InvalidCursor` when `cursor` was not made by this store.
   */
  list(query: {
    readonly ownerId: string;
    readonly limit: number;
    readonly cursor?: string;
  }): ResultAsync<ConfigurationPage, InvalidCursor | DatabaseUnavailable>;
  /**
   * Replaces name, description, defaults and `updatedAt` of the stored configuration with
   * `configuration.id` (owner and creation time are kept).
   */
  update(
    configuration: Configuration,
  ): ResultAsync<Configuration, ConfigurationNotFound | ConfigurationNameTaken | DatabaseUnavailable>;
  delete(configurationId: string): ResultAsync<void, ConfigurationNotFound | DatabaseUnavailable>;
}
