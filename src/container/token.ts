declare const valueType: unique symbol;

/**
 * A typed key for the container. The name identifies the registration (names are unique per
 * container) and appears in every error and in `describe()`; `T` types what `resolve` returns.
 */
export interface Token<T> {
  readonly name: string;
  /** Phantom: never set at run time, only carries `T` for the type checker. */
  readonly [valueType]?: T;
}

/** Creates a token, e.g. `export const JobRepositoryToken = token<JobRepository>('JobRepository')`. */
export function token<T>(name: string): Token<T> {
  return Object.freeze({ name });
}
