import type { ResultAsync } from 'neverthrow';
import type { DatabaseUnavailable } from './errors.js';

export type ApiKeyScope = 'jobs' | 'admin';

/** A stored API key: only its public prefix and the SHA-256 of the whole key are kept. */
export interface ApiKeyRecord {
  readonly id: string;
  readonly ownerId: string;
  readonly name: string;
  /** First characters of the key, shown to humans to tell keys apart (not secret, not unique). */
  readonly prefix: string;
  /** Hex SHA-256 of the full key; unique; the lookup column. */
  readonly hash: string;
  readonly scopes: readonly ApiKeyScope[];
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
  readonly lastUsedAt: Date | null;
}

export interface ApiKeyRepository {
  insert(key: ApiKeyRecord): ResultAsync<void, DatabaseUnavailable>;
  /** The key whose SHA-256 is `hash`, or `null`. Keys are high-entropy, so a hash lookup is safe. */
  findByHash(hash: string): ResultAsync<ApiKeyRecord | null, DatabaseUnavailable>;
  /** How many keys (revoked or not) exist. */
  count(): ResultAsync<number, DatabaseUnavailable>;
  touch(id: string, at: Date): ResultAsync<void, DatabaseUnavailable>;
}
