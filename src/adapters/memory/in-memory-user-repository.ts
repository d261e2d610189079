import { ok, ResultAsync, type Result } from 'neverthrow';
import type { DatabaseUnavailable } from '../../ports/errors.js';
import type { UserRecord, UserRepository, UserRole } from '../../ports/user-repository.js';

/** Runs `step` on a later microtask; a throw (programmer error) rejects, as a database adapter's would. */
const later = <T, E>(step: () => Result<T, E>): ResultAsync<T, E> =>
  new ResultAsync(Promise.resolve().then(step));

const copy = (user: UserRecord): UserRecord => ({
  ...user,
  preferences: structuredClone(user.preferences) as Record<string, unknown>,
  createdAt: new Date(user.createdAt),
  updatedAt: new Date(user.updatedAt),
});

/** {@link UserRepository} in memory, held to the same contract as the SQL adapter. */
export class InMemoryUserRepository implements UserRepository {
  private readonly users = new Map<string, UserRecord>();

  upsert(user: {
    id: string;
    email: string | null;
    role: UserRole;
    now: Date;
  }): ResultAsync<UserRecord, DatabaseUnavailable> {
    return later(() => {
      const existing = this.users.get(user.id);
      const stored: UserRecord =
        existing === undefined
          ? {
              id: user.id,
              email: user.email,
              role: user.role,
              preferences: {},
              createdAt: new Date(user.now),
              updatedAt: new Date(user.now),
            }
          : { ...existing, email: user.email, role: user.role, updatedAt: new Date(user.now) };
      this.users.set(user.id, stored);
      return ok(copy(stored));
    });
  }

  findById(id: string): ResultAsync<UserRecord | null, DatabaseUnavailable> {
    return later(() => {
      const user = this.users.get(id);
      return ok(user === undefined ? null : copy(user));
    });
  }

  updatePreferences(
    id: string,
    preferences: Readonly<Record<string, unknown>>,
    now: Date,
  ): ResultAsync<UserRecord | null, DatabaseUnavailable> {
    return later(() => {
      const existing = this.users.get(id);
      if (existing === undefined) return ok(null);
      const stored: UserRecord = {
        ...existing,
        preferences: structuredClone(preferences) as Record<string, unknown>,
        updatedAt: new Date(now),
      };
      this.users.set(id, stored);
      return ok(copy(stored));
    });
  }
}
