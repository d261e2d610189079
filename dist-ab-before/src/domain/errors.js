/**
 * Typed domain errors. Every expected failure in Framecast is a value with a stable `type`
 * discriminant; the HTTP adapter maps each `type` to a status code in one table.
 */
export const invalidSpec = (issues) => ({
    type: 'InvalidVideoSpec',
    issues,
});
//# sourceMappingURL=errors.js.map