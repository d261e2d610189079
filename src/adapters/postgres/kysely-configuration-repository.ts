import { sql, type Kysely, type Selectable } from 'kysely';
import { err, errAsync, ok, okAsync, ResultAsync, type Result } from 'neverthrow';
import { validateSpecDefaults, type Configuration } from '../../domain/configuration.js';
import {
  CONFIGURATION_LIST_MAX_LIMIT,
  type ConfigurationNameTaken,
  type ConfigurationNotFound,
  type ConfigurationPage,
  type ConfigurationRepository,
} from '../../ports/configuration-repository.js';
import { invalidCursor, type DatabaseUnavailable, type InvalidCursor } from '../../ports/errors.js';
import { decodeKeysetCursor, encodeKeysetCursor, toPage } from '../cursor/keyset-cursor.js';
import type { ConfigurationsTable, Database } from './database.js';
import { toDatabaseUnavailable } from './database-error.js';

const NAME_CONSTRAINT = 'configurations_owner_name_key';

/** Row -> Configuration; the defaults are validated again with the VideoSpec rules. */
function rowToConfiguration(row: Selectable<ConfigurationsTable>): Configuration {
  const defaults = validateSpecDefaults(row.defaults);
  if (defaults.isErr())
    throw new Error(
      `configurations row ${row.id} cannot be read: ${defaults.error.map((i) => `${i.path} ${i.message}`).join('; ')}`,
    );
  return {
    id: row.id,
    ownerId: row.owner_id,
    name: row.name,
    description: row.description,
    defaults: defaults.value,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Whether `cause` is the unique violation of (owner_id, name). */
function isNameConflict(cause: unknown): boolean {
  const e = cause as { code?: unknown; constraint?: unknown; message?: unknown } | null;
  return (
    e?.code === '23505' &&
    (e.constraint === NAME_CONSTRAINT ||
      (typeof e.message === 'string' && e.message.includes(NAME_CONSTRAINT)))
  );
}

/** Runs a write; the (owner, name) unique violation becomes `ConfigurationNameTaken`. */
function write<T>(
  name: string,
  run: () => Promise<T>,
): ResultAsync<T, ConfigurationNameTaken | DatabaseUnavailable> {
  return new ResultAsync(
    run().then(
      (value): Result<T, ConfigurationNameTaken | DatabaseUnavailable> => ok(value),
      (cause: unknown) =>
        isNameConflict(cause)
          ? err({ type: 'ConfigurationNameTaken' as const, name })
          : err(toDatabaseUnavailable(cause)),
    ),
  );
}

/** {@link ConfigurationRepository} over Kysely (PostgreSQL and PGlite); names unique by constraint. */
export class KyselyConfigurationRepository implements ConfigurationRepository {
  constructor(private readonly db: Kysely<Database>) {}

  insert(c: Configuration): ResultAsync<Configuration, ConfigurationNameTaken | DatabaseUnavailable> {
    return write(c.name, () =>
      this.db
        .insertInto('configurations')
        .values({
          id: c.id,
          owner_id: c.ownerId,
          name: c.name,
          description: c.description,
          defaults: JSON.stringify(c.defaults),
          created_at: c.createdAt,
          updated_at: c.updatedAt,
        })
        .returningAll()
        .executeTakeFirstOrThrow(),
    ).map(rowToConfiguration);
  }

  findById(configurationId: string): ResultAsync<Configuration, ConfigurationNotFound | DatabaseUnavailable> {
    return ResultAsync.fromPromise(
      this.db.selectFrom('configurations').selectAll().where('id', '=', configurationId).executeTakeFirst(),
      toDatabaseUnavailable,
    ).andThen((row) =>
      row === undefined
        ? errAsync({ type: 'ConfigurationNotFound' as const, configurationId })
        : okAsync(rowToConfiguration(row)),
    );
  }

  list(query: {
    readonly ownerId: string;
    readonly limit: number;
    readonly cursor?: string;
  }): ResultAsync<ConfigurationPage, InvalidCursor | DatabaseUnavailable> {
    const after = query.cursor === undefined ? null : decodeKeysetCursor(query.cursor, 'desc');
    if (query.cursor !== undefined && after === null) return errAsync(invalidCursor(query.cursor));
    const limit = Math.min(CONFIGURATION_LIST_MAX_LIMIT, Math.max(1, Math.floor(query.limit) || 1));
    let select = this.db.selectFrom('configurations').selectAll().where('owner_id', '=', query.ownerId);
    if (after !== null)
      select = select.where(sql<boolean>`(created_at, id) < (${after.at}::timestamptz, ${after.id})`);
    return ResultAsync.fromPromise(
      select
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute(),
      toDatabaseUnavailable,
    ).map((rows) =>
      toPage(rows, limit, rowToConfiguration, (last) =>
        encodeKeysetCursor({ sort: 'desc', at: last.createdAt, id: last.id }),
      ),
    );
  }

  update(
    c: Configuration,
  ): ResultAsync<Configuration, ConfigurationNotFound | ConfigurationNameTaken | DatabaseUnavailable> {
    return write(c.name, () =>
      this.db
        .updateTable('configurations')
        .set({
          name: c.name,
          description: c.description,
          defaults: JSON.stringify(c.defaults),
          updated_at: c.updatedAt,
        })
        .where('id', '=', c.id)
        .returningAll()
        .executeTakeFirst(),
    ).andThen((row) =>
      row === undefined
        ? errAsync({ type: 'ConfigurationNotFound' as const, configurationId: c.id })
        : okAsync(rowToConfiguration(row)),
    );
  }

  delete(configurationId: string): ResultAsync<void, ConfigurationNotFound | DatabaseUnavailable> {
    return ResultAsync.fromPromise(
      this.db
        .deleteFrom('configurations')
        .where('id', '=', configurationId)
        .returning('id')
        .executeTakeFirst(),
      toDatabaseUnavailable,
    ).andThen((row) =>
      row === undefined
        ? errAsync({ type: 'ConfigurationNotFound' as const, configurationId })
        : okAsync(undefined),
    );
  }
}
