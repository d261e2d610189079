import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import type { Principal } from '../domain/principal.js';
import { UserPreferences, type InvalidPreferences } from '../domain/user-preferences.js';
import type { Clock } from '../ports/clock.js';
import type { DatabaseUnavailable } from '../ports/errors.js';
import type { UserRepository } from '../ports/user-repository.js';

export type UpdatePreferencesError = InvalidPreferences | DatabaseUnavailable;

/**
 * Replaces the caller's preferences with a validated object (`PUT /users/me/preferences`):
 * fields left out are unset. A caller without a stored user record (a key whose owner was never
 * seen) gets one.
 */
export class UpdatePreferences {
  constructor(private readonly deps: { readonly users: UserRepository; readonly clock: Clock }) {}

  /** @returns the stored preferences, or `InvalidPreferences` listing every problem with its field path. */
  execute(input: {
    principal: Principal;
    preferences: unknown;
  }): ResultAsync<UserPreferences, UpdatePreferencesError> {
    const parsed = UserPreferences.create(input.preferences);
    if (parsed.isErr()) return errAsync(parsed.error);
    const { users, clock } = this.deps;
    const { userId, role } = input.principal;
    const now = clock.now();
    const stored: Readonly<Record<string, unknown>> = { ...parsed.value };
    return users
      .updatePreferences(userId, stored, now)
      .andThen((user) =>
        user !== null
          ? okAsync(user)
          : users
              .upsert({ id: userId, email: null, role, now })
              .andThen(() => users.updatePreferences(userId, stored, now)),
      )
      .map((user) => UserPreferences.fromStored(user?.preferences ?? parsed.value));
  }
}
