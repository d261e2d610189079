import { ok, ResultAsync } from 'neverthrow';
/** Runs `step` on a later microtask; a throw (programmer error) rejects, as a database adapter's would. */
const later = (step) => new ResultAsync(Promise.resolve().then(step));
const copy = (user) => ({
    ...user,
    preferences: structuredClone(user.preferences),
    createdAt: new Date(user.createdAt),
    updatedAt: new Date(user.updatedAt),
});
/** {@link UserRepository} in memory, held to the same contract as the SQL adapter. */
export class InMemoryUserRepository {
    users = new Map();
    upsert(user) {
        return later(() => {
            const existing = this.users.get(user.id);
            const stored = existing === undefined
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
    findById(id) {
        return later(() => {
            const user = this.users.get(id);
            return ok(user === undefined ? null : copy(user));
        });
    }
    updatePreferences(id, preferences, now) {
        return later(() => {
            const existing = this.users.get(id);
            if (existing === undefined)
                return ok(null);
            const stored = {
                ...existing,
                preferences: structuredClone(preferences),
                updatedAt: new Date(now),
            };
            this.users.set(id, stored);
            return ok(copy(stored));
        });
    }
}
//# sourceMappingURL=in-memory-user-repository.js.map