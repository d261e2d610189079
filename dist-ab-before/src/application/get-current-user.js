import { jobStatistics } from './job-statistics.js';
/** The caller's profile with statistics of their jobs (`GET /users/me`). */
export class GetCurrentUser {
    deps;
    constructor(deps) {
        this.deps = deps;
    }
    execute(input) {
        const { principal } = input;
        return this.deps.users.findById(principal.userId).andThen((user) => jobStatistics(this.deps, principal.userId).map((statistics) => ({
            id: principal.userId,
            email: user?.email ?? null,
            role: principal.role,
            scopes: principal.scopes,
            authenticatedVia: principal.via,
            createdAt: user?.createdAt ?? null,
            statistics,
        })));
    }
}
//# sourceMappingURL=get-current-user.js.map