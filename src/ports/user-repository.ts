import type { ResultAsync } from 'neverthrow';
import type { DatabaseUnavailable } from './errors.js';

export type UserRole = 'user' | 'admin';

export interface UserRecord {
  readonly id: string;
  readonly email: string | null;
  readonly role: UserRole;
  readonly preferences: Readonly<Record<string, unknown>>;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface UserRepository {
  /** Inserts the user, or updates email and role of an existing one; preferences are kept. */
  upsert(user: {
    id: string;
    email: string | null;
    role: UserRole;
    now: Date;
  }): ResultAsync<UserRecord, DatabaseUnavailable>;
  findById(id: string): ResultAsync<UserRecord | null, DatabaseUnavailable>;
  /**
   * Replaces the user's preferences (a JSON object) and sets `updatedAt` to `now`.
   * @returns the updated user, or `null` when there is no such user.
   */
  updatePreferences(
    id: string,
    preferences: Readonly<Record<string, unknown>>,
    now: Date,
  ): ResultAsync<UserRecord | null, DatabaseUnavailable>;
}
