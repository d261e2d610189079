import { UserPreferences } from '../domain/user-preferences.js';
/** The caller's saved preferences (only the fields that are set). */
export class GetPreferences {
    deps;
    constructor(deps) {
        this.deps = deps;
    }
    execute(input) {
        return this.deps.users
            .findById(input.principal.userId)
            .map((user) => UserPreferences.fromStored(user?.preferences ?? {}));
    }
}
//# sourceMappingURL=get-preferences.js.map