export const invalidCursor = (cursor) => ({
    type: 'InvalidCursor',
    cursor: cursor.slice(0, 64),
});
export const databaseUnavailable = (cause) => ({
    type: 'DatabaseUnavailable',
    message: cause instanceof Error ? cause.message : String(cause),
});
//# sourceMappingURL=errors.js.map