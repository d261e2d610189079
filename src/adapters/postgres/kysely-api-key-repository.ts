import { sql, type Kysely, type Selectable } from 'kysely';
import { ResultAsync } from 'neverthrow';
import type { ApiKeyRecord, ApiKeyRepository, ApiKeyScope } from '../../ports/api-key-repository.js';
import type { DatabaseUnavailable } from '../../ports/errors.js';
import type { ApiKeysTable, Database } from './database.js';
import { toDatabaseUnavailable } from './database-error.js';

const SCOPES: readonly string[] = ['jobs', 'admin'] satisfies ApiKeyScope[];

function rowToKey(row: Selectable<ApiKeysTable>): ApiKeyRecord {
  const scopes = row.scopes;
  if (!Array.isArray(scopes) || scopes.some((s) => typeof s !== 'string' || !SCOPES.includes(s)))
    throw new Error(`api_keys row ${row.id} cannot be read: scopes ${JSON.stringify(scopes)}`);
  return {
    id: row.id,
    ownerId: row.owner_id,
    name: row.name,
    prefix: row.prefix,
    hash: row.hash,
    scopes: scopes as ApiKeyScope[],
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  };
}

/**
 * {@link ApiKeyRepository} over Kysely (PostgreSQL and PGlite), looked up by the unique hash.
 * Inserting a second key with the same hash (or id) is a programmer error and rejects.
 */
export class KyselyApiKeyRepository implements ApiKeyRepository {
  constructor(private readonly db: Kysely<Database>) {}

  insert(key: ApiKeyRecord): ResultAsync<void, DatabaseUnavailable> {
    return ResultAsync.fromPromise(
      this.db
        .insertInto('api_keys')
        .values({
          id: key.id,
          owner_id: key.ownerId,
          name: key.name,
          prefix: key.prefix,
          hash: key.hash,
          scopes: JSON.stringify(key.scopes),
          created_at: key.createdAt,
          revoked_at: key.revokedAt,
          last_used_at: key.lastUsedAt,
        })
        .execute(),
      toDatabaseUnavailable,
    ).map(() => undefined);
  }

  findByHash(hash: string): ResultAsync<ApiKeyRecord | null, DatabaseUnavailable> {
    return ResultAsync.fromPromise(
      this.db.selectFrom('api_keys').selectAll().where('hash', '=', hash).executeTakeFirst(),
      toDatabaseUnavailable,
    ).map((row) => (row === undefined ? null : rowToKey(row)));
  }

  count(): ResultAsync<number, DatabaseUnavailable> {
    return ResultAsync.fromPromise(
      this.db
        .selectFrom('api_keys')
        .select(sql<number>`count(*)::int`.as('count'))
        .executeTakeFirstOrThrow(),
      toDatabaseUnavailable,
    ).map((row) => row.count);
  }

  /** Records a use at `at`; an unknown id is ignored. */
  touch(id: string, at: Date): ResultAsync<void, DatabaseUnavailable> {
    return ResultAsync.fromPromise(
      this.db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute(),
      toDatabaseUnavailable,
    ).map(() => undefined);
  }
}
