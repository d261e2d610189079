/** Application-level expected failures (beyond the domain's and the ports'). */

/** The job exists but has not completed, so it has no result to serve. */
export interface JobNotCompleted {
  readonly type: 'JobNotCompleted';
  readonly jobId: string;
  readonly status: string;
}

/** A completed job's stored file is missing from object storage. */
export interface AssetNotFound {
  readonly type: 'AssetNotFound';
  readonly jobId: string;
  readonly asset: string;
}

/** The credentials are missing, malformed, unknown, revoked or expired. */
export interface Unauthenticated {
  readonly type: 'Unauthenticated';
  readonly reason: string;
}

/** The caller is known but lacks the role or scope the operation needs. */
export interface Forbidden {
  readonly type: 'Forbidden';
  readonly reason: string;
}

/** The job is being rendered: it must be cancelled (and the cancel confirmed) before it can be deleted. */
export interface JobProcessing {
  readonly type: 'JobProcessing';
  readonly jobId: string;
}
