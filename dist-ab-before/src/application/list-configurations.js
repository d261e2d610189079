/** The caller's configurations, newest first, one page at a time (GET /configurations). */
export class ListConfigurations {
    deps;
    constructor(deps) {
        this.deps = deps;
    }
    /** @returns a page (`limit` clamped to 1–100), or `InvalidCursor` for a cursor this list did not make. */
    execute(input) {
        return this.deps.configurations.list({
            ownerId: input.principal.userId,
            limit: input.limit,
            ...(input.cursor !== undefined ? { cursor: input.cursor } : {}),
        });
    }
}
//# sourceMappingURL=list-configurations.js.map