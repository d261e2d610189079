/** The caller's uploads, newest first, one page at a time (GET /uploads). */
export class ListUploads {
    deps;
    constructor(deps) {
        this.deps = deps;
    }
    /** @returns a page (`limit` clamped to 1–100), or `InvalidCursor` for a cursor this list did not make. */
    execute(input) {
        return this.deps.uploads.list({
            ownerId: input.principal.userId,
            limit: input.limit,
            ...(input.kind !== undefined ? { kind: input.kind } : {}),
            ...(input.cursor !== undefined ? { cursor: input.cursor } : {}),
        });
    }
}
//# sourceMappingURL=list-uploads.js.map