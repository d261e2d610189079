/** Creates a token, e.g. `export const JobRepositoryToken = token<JobRepository>('JobRepository')`. */
export function token(name) {
    return Object.freeze({ name });
}
//# sourceMappingURL=token.js.map