import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { CancelBatch } from '../../application/cancel-batch.js';
import type { GetBatch } from '../../application/get-batch.js';
import type { IdempotentExecution } from '../../application/idempotent-execution.js';
import type { SubmitBatch } from '../../application/submit-batch.js';
import { principalOf } from '../auth.js';
import { BatchIdParams, BatchRequest, BatchResponse, batchLink, presentBatch } from '../batch-schemas.js';
import {
  answerIdempotently,
  createdWithReplayHeaders,
  errorAnswer,
  IdempotencyKeyHeaders,
  REPLAY_NOTE,
} from '../idempotency.js';
import { sendError } from '../problem.js';
import { Problem } from '../schemas.js';

export interface BatchRouteDeps {
  readonly submitBatch: SubmitBatch;
  readonly getBatch: GetBatch;
  readonly cancelBatch: CancelBatch;
  readonly idempotency: IdempotentExecution;
  /** `BATCH_MAX_JOBS`, shown in the documentation. */
  readonly maxJobs: number;
}

const security = [{ apiKey: [] }, { bearer: [] }];

/** `/videos/batch...`: queue several jobs at once, follow them together, cancel them together. */
export async function batchRoutes(app: FastifyInstance, deps: BatchRouteDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/videos/batch',
    {
      schema: {
        operationId: 'submitBatch',
        tags: ['videos'],
        summary: 'Queue several video-generation jobs at once',
        description:
          `Validates every VideoSpec first: one invalid spec answers 422 with paths such as \`jobs.3.topic\` and creates nothing. ` +
          `At most ${deps.maxJobs} jobs (BATCH_MAX_JOBS); more answers 422 \`BATCH_TOO_LARGE\` naming the limit. ` +
          'Otherwise answers 201 with the batch and a `Location` header; each job is an independent queued job with ' +
          'this `batchId`, so one job’s failure leaves the others running.' +
          REPLAY_NOTE,
        security,
        headers: IdempotencyKeyHeaders,
        body: BatchRequest,
        response: {
          201: createdWithReplayHeaders(BatchResponse, 'The URL of the new batch.'),
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
        { execution: deps.idempotency, route: 'POST /videos/batch' },
        async () => {
          const result = await deps.submitBatch.execute({
            ownerId: principalOf(request).userId,
            jobs: request.body.jobs,
            ...(request.body.name !== undefined ? { name: request.body.name } : {}),
          });
          if (result.isErr()) return errorAnswer(request, result.error);
          return {
            status: 201,
            payload: presentBatch(result.value),
            headers: { location: batchLink(result.value.batch.id) },
          };
        },
      ),
  );

  r.get(
    '/videos/batch/:batchId',
    {
      schema: {
        operationId: 'getBatch',
        tags: ['videos'],
        summary: 'Aggregated status of a batch',
        description:
          'The batch’s jobs counted by status (queued, processing, completed, failed, cancelled) and its overall progress: the mean of the jobs’ percents, an ended job counting as 100.',
        security,
        params: BatchIdParams,
        response: { 200: BatchResponse, 401: Problem, 404: Problem, 503: Problem },
      },
    },
    async (request, reply) => {
      const result = await deps.getBatch.execute({
        principal: principalOf(request),
        batchId: request.params.batchId,
      });
      if (result.isErr()) return sendError(reply, result.error);
      return presentBatch(result.value);
    },
  );

  r.post(
    '/videos/batch/:batchId/cancel',
    {
      schema: {
        operationId: 'cancelBatch',
        tags: ['videos'],
        summary: 'Cancel every unfinished job of a batch',
        description:
          'Queued jobs are cancelled at once; processing ones stop at their next stage boundary (their `cancelRequested` is true meanwhile). Jobs that already ended are left as they are. Answers the batch; asking twice is harmless.',
        security,
        params: BatchIdParams,
        response: { 200: BatchResponse, 401: Problem, 404: Problem, 409: Problem, 503: Problem },
      },
    },
    async (request, reply) => {
      const result = await deps.cancelBatch.execute({
        principal: principalOf(request),
        batchId: request.params.batchId,
      });
      if (result.isErr()) return sendError(reply, result.error);
      return presentBatch(result.value);
    },
  );
}
