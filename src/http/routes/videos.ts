import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { serializerCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { GetJobMetadata } from '../../application/get-job-metadata.js';
import type { IdempotentExecution } from '../../application/idempotent-execution.js';
import type { GetJobStatus, JobStatusView } from '../../application/get-job-status.js';
import type { OpenJobAsset } from '../../application/open-job-asset.js';
import type { SubmitVideoJob } from '../../application/submit-video-job.js';
import { parseRangeHeader } from '../../domain/byte-range.js';
import type { AssetKind } from '../../domain/video-asset.js';
import { VideoSpec } from '../../domain/video-spec.js';
import { principalOf } from '../auth.js';
import {
  answerIdempotently,
  createdWithReplayHeaders,
  errorAnswer,
  IdempotencyKeyHeaders,
  REPLAY_NOTE,
} from '../idempotency.js';
import { jobLinks, presentEvent, presentJob } from '../job-presenter.js';
import { sendError } from '../problem.js';
import { JobIdParams, JobMetadataResponse, JobResponse, Problem, VideoSpecRequest } from '../schemas.js';

export interface VideoRouteDeps {
  readonly submitVideoJob: SubmitVideoJob;
  readonly getJobStatus: GetJobStatus;
  readonly getJobMetadata: GetJobMetadata;
  readonly openJobAsset: OpenJobAsset;
  /** Runs submissions that carry `Idempotency-Key` at most once. */
  readonly idempotency: IdempotentExecution;
}

const security = [{ apiKey: [] }, { bearer: [] }];
const errors = { 401: Problem, 404: Problem } as const;

const binary = (contentType: string, description: string) =>
  z.unknown().meta({ description, 'x-content-type': contentType });

/** What Fastify sends with a serialized JSON body. */
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** `/videos/...`: submit a job, follow it, fetch its files. */
export async function videoRoutes(app: FastifyInstance, deps: VideoRouteDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  /** The status route's serializer (zod encode + JSON.stringify), called once per view. */
  const encodeStatus = serializerCompiler({
    schema: JobResponse,
    method: 'GET',
    url: `${app.prefix}/videos/jobs/:jobId/status`,
    httpStatus: '200',
  }) as (payload: unknown) => string;
  const statusBodies = new WeakMap<JobStatusView, string>();

  r.post(
    '/videos/generate',
    {
      schema: {
        operationId: 'generateVideo',
        tags: ['videos'],
        summary: 'Queue a video-generation job',
        description:
          'Validates the VideoSpec and queues a job. Answers 201 with the job and a `Location` header pointing at its status. Follow progress by polling the status.' +
          REPLAY_NOTE,
        security,
        headers: IdempotencyKeyHeaders,
        body: VideoSpecRequest,
        response: {
          201: createdWithReplayHeaders(JobResponse, 'The status URL of the new job.'),
          401: Problem,
          409: Problem,
          422: Problem,
          503: Problem,
        },
      },
    },
    async (request, reply) =>
      answerIdempotently(
        request,
        reply,
        { execution: deps.idempotency, route: 'POST /videos/generate' },
        async () => {
          const { priority, ...spec } = request.body;
          const result = await deps.submitVideoJob.execute({
            ownerId: principalOf(request).userId,
            spec,
            ...(priority !== undefined ? { priority } : {}),
          });
          if (result.isErr()) return errorAnswer(request, result.error);
          return {
            status: 201,
            payload: presentJob(result.value),
            headers: { location: jobLinks(result.value.id).status },
          };
        },
      ),
  );

  r.get(
    '/videos/jobs/:jobId/status',
    {
      schema: {
        operationId: 'getJobStatus',
        tags: ['videos'],
        summary: 'Status and progress of a job',
        description:
          'Status, stage, percent, queue position while queued, error after a failure, result summary when completed.',
        security,
        params: JobIdParams,
        response: { 200: JobResponse, ...errors, 503: Problem },
      },
    },
    async (request, reply) => {
      const result = await deps.getJobStatus.execute({
        principal: principalOf(request),
        jobId: request.params.jobId,
      });
      if (result.isErr()) return sendError(reply, result.error);
      // GetJobStatus returns the same view object while it holds it: its JSON is made once.
      let body = statusBodies.get(result.value);
      if (body === undefined) {
        body = encodeStatus(presentJob(result.value.job, result.value.queuePosition));
        statusBodies.set(result.value, body);
      }
      return reply.type(JSON_CONTENT_TYPE).send(body as never);
    },
  );

  r.get(
    '/videos/jobs/:jobId/metadata',
    {
      schema: {
        operationId: 'getJobMetadata',
        tags: ['videos'],
        summary: 'Full metadata of a job',
        description:
          'The spec with defaults applied, the stored result with ffprobe facts, stage timings per attempt, a summary of the job log, and the deliveries of its webhook events (`callbackUrl`: id, event type, status, attempts, last answer).',
        security,
        params: JobIdParams,
        response: { 200: JobMetadataResponse, ...errors, 503: Problem },
      },
    },
    async (request, reply) => {
      const result = await deps.getJobMetadata.execute({
        principal: principalOf(request),
        jobId: request.params.jobId,
      });
      if (result.isErr()) return sendError(reply, result.error);
      const m = result.value;
      return {
        job: presentJob(m.job),
        spec: { ...VideoSpec.toJSON(m.job.spec) },
        result: m.job.result === null ? null : { ...m.job.result },
        timings: m.timings.map((t) => ({ ...t, startedAt: t.startedAt.toISOString() })),
        events: {
          total: m.events.total,
          byLevel: m.events.byLevel,
          recent: m.events.recent.map(presentEvent),
        },
        webhooks: m.webhooks.map((w) => ({
          id: w.id,
          eventType: w.eventType,
          status: w.status,
          attempts: w.attempts,
          lastStatusCode: w.lastStatusCode,
          lastError: w.lastError,
          nextAttemptAt: w.nextAttemptAt?.toISOString() ?? null,
          deliveredAt: w.deliveredAt?.toISOString() ?? null,
        })),
      };
    },
  );

  const assetRoute = (
    path: string,
    kind: AssetKind,
    operationId: string,
    summary: string,
    contentType: string,
  ) =>
    r.get(
      path,
      {
        schema: {
          operationId,
          tags: ['videos'],
          summary,
          description:
            'Streams the file of a completed job. Supports `Range: bytes=…` (RFC 9110 §14: 206 with `Content-Range`, 416 when unsatisfiable), `If-Range`, `ETag` / `If-None-Match` (304). 409 until the job is completed.' +
            (kind === 'video'
              ? ' With `?redirect=true` and S3 storage, answers 302 to a presigned URL.'
              : ''),
          security,
          params: JobIdParams,
          querystring: z.object({
            redirect: z
              .stringbool()
              .optional()
              .describe('Answer 302 to a presigned URL when the store supports it.'),
          }),
          response: {
            200: binary(contentType, 'The whole file.'),
            206: binary(contentType, 'The requested byte range.'),
            302: z.unknown().meta({ description: 'Redirect to a presigned URL.' }),
            304: z.unknown().meta({ description: 'Not modified (ETag matched).' }),
            ...errors,
            409: Problem,
            416: Problem,
            503: Problem,
          },
        },
      },
      (request, reply) =>
        serveAsset(deps.openJobAsset, request, reply, kind, request.params.jobId, request.query.redirect),
    );

  assetRoute('/videos/jobs/:jobId/download', 'video', 'downloadVideo', 'Download the MP4', 'video/mp4');
  assetRoute(
    '/videos/jobs/:jobId/thumbnail',
    'thumbnail',
    'getThumbnail',
    'The JPEG thumbnail',
    'image/jpeg',
  );
  assetRoute(
    '/videos/jobs/:jobId/subtitles',
    'subtitles',
    'getSubtitles',
    'The WebVTT subtitles',
    'text/vtt',
  );
}

const firstHeader = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

async function serveAsset(
  openJobAsset: OpenJobAsset,
  request: FastifyRequest,
  reply: FastifyReply,
  kind: AssetKind,
  jobId: string,
  redirect: boolean | undefined,
): Promise<FastifyReply> {
  const rangeHeader = firstHeader(request.headers.range);
  const ifRange = firstHeader(request.headers['if-range']);
  const opened = await openJobAsset.execute({
    principal: principalOf(request),
    jobId,
    asset: kind,
    range: parseRangeHeader(rangeHeader),
    ...(redirect === true ? { redirect: true } : {}),
    ...(ifRange !== undefined ? { ifRange } : {}),
  });
  if (opened.isErr()) return sendError(reply, opened.error);
  const asset = opened.value;
  if (asset.kind === 'redirect') {
    return reply.header('cache-control', 'no-store').redirect(asset.url, 302);
  }
  const { info, stream, range } = asset.body;
  void reply
    .header('accept-ranges', 'bytes')
    .header('etag', info.etag)
    .header('last-modified', info.lastModified.toUTCString())
    .header('cache-control', 'private, max-age=0, must-revalidate')
    .header('content-type', asset.contentType)
    .header(
      'content-disposition',
      `${kind === 'video' ? 'attachment' : 'inline'}; filename="${jobId}-${asset.fileName}"`,
    );
  const ifNoneMatch = firstHeader(request.headers['if-none-match']);
  if (range === null && ifNoneMatch !== undefined && etagMatches(ifNoneMatch, info.etag)) {
    stream.destroy();
    return reply.code(304).send();
  }
  if (range !== null) {
    return reply
      .code(206)
      .header('content-range', `bytes ${range.start}-${range.end}/${info.size}`)
      .header('content-length', String(range.end - range.start + 1))
      .send(stream);
  }
  return reply.code(200).header('content-length', String(info.size)).send(stream);
}

/** Weak comparison of an `If-None-Match` list against an ETag (RFC 9110 §13.1.2). */
function etagMatches(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  const strip = (t: string): string => t.trim().replace(/^W\//, '');
  return header.split(',').some((t) => strip(t) === strip(etag));
}
