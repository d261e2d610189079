import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AssetNotFound, Forbidden, JobNotCompleted, Unauthenticated } from '../application/errors.js';
import type {
  IllegalJobTransition,
  InvalidVideoSpec,
  LeaseLost,
  RangeNotSatisfiable,
} from '../domain/errors.js';
import type {
  DatabaseUnavailable,
  JobNotFound,
  ObjectNotFound,
  StorageUnavailable,
  VersionConflict,
} from '../ports/errors.js';
import type { ProblemBody } from './schemas.js';

/** Every expected error a use case can return to the HTTP adapter. */
export type AppError =
  | InvalidVideoSpec
  | IllegalJobTransition
  | LeaseLost
  | RangeNotSatisfiable
  | JobNotFound
  | JobNotCompleted
  | AssetNotFound
  | ObjectNotFound
  | VersionConflict
  | StorageUnavailable
  | DatabaseUnavailable
  | Unauthenticated
  | Forbidden;

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/** A problem before the request-specific fields (instance, requestId) are added. */
export interface ProblemDraft {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail?: string;
  readonly errors?: ProblemBody['errors'];
  /** Extra response headers (e.g. `Content-Range`, `Retry-After`, `WWW-Authenticate`). */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * The one table from error `type` to HTTP status and problem fields (RFC 9457). Exhaustive:
 * a new error type fails to compile until it is mapped here. Infrastructure details (SQL,
 * paths, stack traces) never reach the client.
 */
export function problemFor(error: AppError): ProblemDraft {
  switch (error.type) {
    case 'InvalidVideoSpec':
      return {
        status: 422,
        code: 'VALIDATION_FAILED',
        title: 'Validation failed',
        detail: `The request has ${error.issues.length} invalid field${error.issues.length === 1 ? '' : 's'}.`,
        errors: error.issues.map((i) => ({ path: i.path, message: i.message, location: 'body' as const })),
      };
    case 'JobNotFound':
      return {
        status: 404,
        code: 'JOB_NOT_FOUND',
        title: 'Job not found',
        detail: `No job ${error.jobId} for this caller.`,
      };
    case 'JobNotCompleted':
      return {
        status: 409,
        code: 'JOB_NOT_COMPLETED',
        title: 'Job not completed',
        detail: `Job ${error.jobId} is ${error.status}; its files exist once it is completed.`,
      };
    case 'AssetNotFound':
    case 'ObjectNotFound':
      return {
        status: 404,
        code: 'ASSET_NOT_FOUND',
        title: 'File not found',
        detail: 'The stored file is missing.',
      };
    case 'RangeNotSatisfiable':
      return {
        status: 416,
        code: 'RANGE_NOT_SATISFIABLE',
        title: 'Range not satisfiable',
        detail: `The file has ${error.size} bytes.`,
        headers: { 'content-range': `bytes */${error.size}` },
      };
    case 'IllegalJobTransition':
      return {
        status: 409,
        code: 'INVALID_JOB_STATE',
        title: 'Invalid job state',
        detail: `Cannot ${error.action} a job that is ${error.from}.`,
      };
    case 'LeaseLost':
    case 'VersionConflict':
      return {
        status: 409,
        code: 'CONFLICT',
        title: 'Conflict',
        detail: 'The job changed meanwhile; try again.',
      };
    case 'StorageUnavailable':
      return {
        status: 503,
        code: 'STORAGE_UNAVAILABLE',
        title: 'Storage unavailable',
        detail: 'Object storage did not answer; try again shortly.',
        headers: { 'retry-after': '5' },
      };
    case 'DatabaseUnavailable':
      return {
        status: 503,
        code: 'DATABASE_UNAVAILABLE',
        title: 'Database unavailable',
        detail: 'The database did not answer; try again shortly.',
        headers: { 'retry-after': '5' },
      };
    case 'Unauthenticated':
      return {
        status: 401,
        code: 'UNAUTHENTICATED',
        title: 'Authentication required',
        detail: `Send an API key in X-API-Key or a session token as Authorization: Bearer (${error.reason}).`,
        headers: { 'www-authenticate': 'Bearer realm="framecast", ApiKey realm="framecast"' },
      };
    case 'Forbidden':
      return { status: 403, code: 'FORBIDDEN', title: 'Forbidden', detail: error.reason };
    default: {
      const unreachable: never = error;
      throw new Error(`unmapped error ${JSON.stringify(unreachable)}`);
    }
  }
}

const kebab = (code: string): string => code.toLowerCase().replace(/_/g, '-');

/** Completes a draft with the request's path and id. */
export function toProblem(draft: ProblemDraft, request: FastifyRequest): ProblemBody {
  return {
    type: `urn:framecast:problem:${kebab(draft.code)}`,
    title: draft.title,
    status: draft.status,
    ...(draft.detail !== undefined ? { detail: draft.detail } : {}),
    instance: request.url.split('?')[0] ?? request.url,
    code: draft.code,
    requestId: request.id,
    ...(draft.errors !== undefined ? { errors: draft.errors } : {}),
  };
}

/** Sends a problem+json response. */
export function sendProblem(reply: FastifyReply, draft: ProblemDraft): FastifyReply {
  for (const [name, value] of Object.entries(draft.headers ?? {})) void reply.header(name, value);
  return reply.code(draft.status).type(PROBLEM_CONTENT_TYPE).send(toProblem(draft, reply.request));
}

/** Sends the problem for a use case's error. */
export const sendError = (reply: FastifyReply, error: AppError): FastifyReply =>
  sendProblem(reply, problemFor(error));
