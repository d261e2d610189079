/**
 * Infrastructure failures as values, returned by ports instead of thrown (DESIGN §1).
 * `retryable` says whether the same call may succeed later.
 */
export interface StorageUnavailable {
  readonly type: 'StorageUnavailable';
  readonly message: string;
  readonly retryable: boolean;
}

export interface DatabaseUnavailable {
  readonly type: 'DatabaseUnavailable';
  readonly message: string;
}

export interface ObjectNotFound {
  readonly type: 'ObjectNotFound';
  readonly key: string;
}

export interface JobNotFound {
  readonly type: 'JobNotFound';
  readonly jobId: string;
}

/** A conditional write lost a race: the stored version differs from the one expected. */
export interface VersionConflict {
  readonly type: 'VersionConflict';
  readonly id: string;
  readonly expectedVersion: number;
}

/** A page cursor that this store did not make (malformed, tampered or for another sort order). */
export interface InvalidCursor {
  readonly type: 'InvalidCursor';
  /** The first characters of the cursor, for the message. */
  readonly cursor: string;
}

export const invalidCursor = (cursor: string): InvalidCursor => ({
  type: 'InvalidCursor',
  cursor: cursor.slice(0, 64),
});

export const databaseUnavailable = (cause: unknown): DatabaseUnavailable => ({
  type: 'DatabaseUnavailable',
  message: cause instanceof Error ? cause.message : String(cause),
});
