/**
 * Typed domain errors. Every expected failure in Framecast is a value with a stable `type`
 * discriminant; the HTTP adapter maps each `type` to a status code in one table.
 */

/** One field-level validation problem; `path` is a dotted path into the input (`rag.topK`). */
export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

/** A request's VideoSpec broke one or more rules. */
export interface InvalidVideoSpec {
  readonly type: 'InvalidVideoSpec';
  readonly issues: readonly FieldIssue[];
}

/** A job transition was asked for from a status that does not allow it. */
export interface IllegalJobTransition {
  readonly type: 'IllegalJobTransition';
  readonly jobId: string;
  readonly from: string;
  readonly action: string;
}

/** A worker acted on a job whose lease (attempt) it no longer holds: its write is refused (fencing). */
export interface LeaseLost {
  readonly type: 'LeaseLost';
  readonly jobId: string;
  readonly attempt: number;
}

/** A requested byte range cannot be served for a resource of `size` bytes (RFC 9110 §15.5.17). */
export interface RangeNotSatisfiable {
  readonly type: 'RangeNotSatisfiable';
  readonly size: number;
}

export const invalidSpec = (issues: readonly FieldIssue[]): InvalidVideoSpec => ({
  type: 'InvalidVideoSpec',
  issues,
});
