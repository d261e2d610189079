/**
 * Fields added to every log line written while a unit of work runs (an HTTP request's id), across
 * awaits, without passing a logger through every call.
 */
export interface LogContext {
  /** Runs `fn` with `fields` added to every log line written inside it, synchronously or later. */
  run<T>(fields: Readonly<Record<string, unknown>>, fn: () => T): T;
  /** The fields of the unit of work running now, `undefined` outside any. */
  current(): Readonly<Record<string, unknown>> | undefined;
}
