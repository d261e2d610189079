import { errAsync, okAsync } from 'neverthrow';
import { UserPreferences } from '../domain/user-preferences.js';
/**
 * Replaces the caller's preferences with a validated object (`PUT /users/me/preferences`):
 * fields left out are unset. A caller without a stored user record (a key whose owner was never
 * seen) gets one.
 */
export class UpdatePreferences {
    deps;
    constructor(deps) {
        this.deps = deps;
    }
    /** @returns the stored preferences, or `InvalidPreferences` listing every problem with its field path. */
    execute(input) {
        const parsed = UserPreferences.create(input.preferences);
        if (parsed.isErr())
            return errAsync(parsed.error);
        const { users, clock } = this.deps;
        const { userId, role } = input.principal;
        const now = clock.now();
        const stored = { ...parsed.value };
        return users
            .updatePreferences(userId, stored, now)
            .andThen((user) => user !== null
            ? okAsync(user)
            : users
                .upsert({ id: userId, email: null, role, now })
                .andThen(() => users.updatePreferences(userId, stored, now)))
            .map((user) => UserPreferences.fromStored(user?.preferences ?? parsed.value));
    }
}
//# sourceMappingURL=update-preferences.js.map