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
import type { JobProcessing } from '../application/errors.js';
import type { InvalidPreferences } from '../domain/user-preferences.js';
import type { InvalidCursor } from '../ports/errors.js';
import type {
  InvalidUploadRequest,
  UnsupportedMediaType,
  UploadTooLarge,
} from '../application/upload-content.js';
import type { UploadInUse } from '../application/delete-upload.js';
import type { InvalidConfiguration } from '../domain/configuration.js';
import type { ConfigurationNameTaken, ConfigurationNotFound } from '../ports/configuration-repository.js';
import type { UploadNotFound } from '../ports/upload-repository.js';
import type {
  IdempotencyKeyInProgress,
  IdempotencyKeyReused,
  InvalidIdempotencyKey,
} from '../application/idempotent-execution.js';
import type { BatchNotFound, BatchTooLarge, InvalidBatch } from '../domain/batch.js';

/** Every expected error a use case can return to the HTTP adapter. */
export type AppError =
  | UploadNotFound
  | UploadTooLarge
  | UnsupportedMediaType
  | InvalidUploadRequest
  | UploadInUse
  | ConfigurationNotFound
  | ConfigurationNameTaken
  | InvalidConfiguration
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
  | Forbidden
  | InvalidCursor
  | JobProcessing
  | InvalidPreferences
  | InvalidBatch
  | BatchTooLarge
  | BatchNotFound
  | InvalidIdempotencyKey
  | IdempotencyKeyReused
  | IdempotencyKeyInProgress;

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
      return validationProblem(error.issues, 'The request has', '.');
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
    case 'InvalidCursor':
      return {
        status: 422,
        code: 'INVALID_CURSOR',
        title: 'Invalid cursor',
        detail:
          'The cursor was not returned by this listing (or was made for another sort order); start again without it.',
        errors: [{ path: 'cursor', message: 'is not a cursor of this listing', location: 'querystring' }],
      };
    case 'JobProcessing':
      return {
        status: 409,
        code: 'JOB_PROCESSING',
        title: 'Job is processing',
        detail: `Job ${error.jobId} is being rendered and cannot be deleted: cancel it first (POST /api/v1/jobs/${error.jobId}/cancel), then delete it once its status is cancelled.`,
      };
    case 'InvalidPreferences':
      return validationProblem(error.issues, 'The preferences have', '.');
    case 'InvalidBatch':
      return validationProblem(error.issues, 'The batch has', '; no job was created.');
    case 'BatchTooLarge':
      return {
        status: 422,
        code: 'BATCH_TOO_LARGE',
        title: 'Batch too large',
        detail: `The batch lists ${error.size} jobs but the limit is ${error.limit} (BATCH_MAX_JOBS); split it into batches of at most ${error.limit} jobs.`,
        errors: [{ path: 'jobs', message: `must list at most ${error.limit} jobs`, location: 'body' }],
      };
    case 'BatchNotFound':
      return {
        status: 404,
        code: 'BATCH_NOT_FOUND',
        title: 'Batch not found',
        detail: `No batch ${error.batchId} for this caller.`,
      };
    case 'InvalidIdempotencyKey':
      return {
        status: 422,
        code: 'INVALID_IDEMPOTENCY_KEY',
        title: 'Invalid idempotency key',
        detail: `The Idempotency-Key header ${error.reason}.`,
        errors: [{ path: 'idempotency-key', message: error.reason, location: 'headers' }],
      };
    case 'IdempotencyKeyReused':
      return {
        status: 422,
        code: 'IDEMPOTENCY_KEY_REUSED',
        title: 'Idempotency key reused',
        detail:
          'This Idempotency-Key was already used with a different request body; send a new key for a new request.',
      };
    case 'IdempotencyKeyInProgress':
      return {
        status: 409,
        code: 'IDEMPOTENCY_KEY_IN_PROGRESS',
        title: 'Request in progress',
        detail: `A request with this Idempotency-Key is still being processed (waited ${Math.round(error.waitedMs)} ms); retry shortly.`,
        headers: { 'retry-after': '1' },
      };
    case 'UploadNotFound':
      return {
        status: 404,
        code: 'UPLOAD_NOT_FOUND',
        title: 'Upload not found',
        detail: `No upload ${error.uploadId} for this caller.`,
      };
    case 'UploadTooLarge':
      return {
        status: 413,
        code: 'UPLOAD_TOO_LARGE',
        title: 'Payload too large',
        detail: `The file is larger than the limit of ${error.maxBytes} bytes (UPLOAD_MAX_BYTES); nothing was stored.`,
      };
    case 'UnsupportedMediaType':
      return {
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
        title: 'Unsupported media type',
        detail: `Accepted: PNG, JPEG, WebP, GIF images; MP3, WAV, Ogg, FLAC, M4A/AAC audio; PDF, and UTF-8 text named .txt, .md or .markdown (the type is read from the content, not from Content-Type). Here: ${error.reason}.`,
      };
    case 'InvalidUploadRequest':
    case 'InvalidConfiguration':
      return validationProblem(error.issues, 'The request has', '.');
    case 'UploadInUse':
      return {
        status: 409,
        code: 'UPLOAD_IN_USE',
        title: 'Upload in use',
        detail: `Upload ${error.uploadId} is used by queued or processing job(s) ${error.jobIds.join(', ')}; delete it once they have finished or been cancelled.`,
      };
    case 'ConfigurationNotFound':
      return {
        status: 404,
        code: 'CONFIGURATION_NOT_FOUND',
        title: 'Configuration not found',
        detail: `No configuration ${error.configurationId} for this caller.`,
      };
    case 'ConfigurationNameTaken':
      return {
        status: 409,
        code: 'CONFIGURATION_NAME_TAKEN',
        title: 'Configuration name taken',
        detail: `You already have a configuration named ${JSON.stringify(error.name)}.`,
        errors: [
          { path: 'name', message: 'is already used by another of your configurations', location: 'body' },
        ],
      };
    default: {
      const unreachable: never = error;
      throw new Error(`unmapped error ${JSON.stringify(unreachable)}`);
    }
  }
}

/** 422 with one `errors[]` entry per field issue, e.g. "The request has 2 invalid fields." */
function validationProblem(
  issues: readonly { readonly path: string; readonly message: string }[],
  subject: string,
  suffix = '.',
): ProblemDraft {
  return {
    status: 422,
    code: 'VALIDATION_FAILED',
    title: 'Validation failed',
    detail: `${subject} ${issues.length} invalid field${issues.length === 1 ? '' : 's'}${suffix}`,
    errors: issues.map((i) => ({ path: i.path, message: i.message, location: 'body' as const })),
  };
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
