import type { ResultAsync } from 'neverthrow';
import type { Principal } from '../domain/principal.js';
import { UserPreferences } from '../domain/user-preferences.js';
import type { DatabaseUnavailable } from '../ports/errors.js';
import type { UserRepository } from '../ports/user-repository.js';

/** The caller's saved preferences (only the fields that are set). */
export class GetPreferences {
  constructor(private readonly deps: { readonly users: UserRepository }) {}

  execute(input: { principal: Principal }): ResultAsync<UserPreferences, DatabaseUnavailable> {
    return this.deps.users
      .findById(input.principal.userId)
      .map((user) => UserPreferences.fromStored(user?.preferences ?? {}));
  }
}
