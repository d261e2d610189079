import { z } from 'zod';
import { principalOf } from './auth.js';
import { PROBLEM_CONTENT_TYPE, problemFor, sendError, toProblem } from './problem.js';
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
/** Response header set on an answer replayed from an earlier request with the same key. */
export const REPLAYED_HEADER = 'idempotent-replayed';
/**
 * Request headers of a route that honours `Idempotency-Key`. Loose: other headers pass through
 * untouched (authentication, ranges...).
 */
export const IdempotencyKeyHeaders = z.looseObject({
    'idempotency-key': z
        .string()
        .min(1, 'must not be empty')
        .max(255, 'must be at most 255 characters')
        .regex(/^[\x20-\x7E]*$/, 'must be printable ASCII')
        .optional()
        .describe('Makes the request safe to retry: 1–255 printable ASCII characters, unique per request (a UUID v4). ' +
        'A repeat with the same key and the same body within 24 h answers the stored response (same status and body) ' +
        'with `Idempotent-Replayed: true` and creates nothing; the same key with another body answers 422 ' +
        '`IDEMPOTENCY_KEY_REUSED`; a repeat while the first request runs waits for it (up to 10 s, else 409). ' +
        'Keys are per user and per operation. Answers with status 5xx are not stored.')
        .meta({ example: '8e03978e-40d5-43e8-bc93-6894a57f9324' }),
});
/** Description of the replay header, for route descriptions. */
export const REPLAY_NOTE = ' Honours `Idempotency-Key`: a replayed answer carries the header `Idempotent-Replayed: true`.';
/**
 * `schema` (a 201 answer of an idempotent POST) with its response headers documented for OpenAPI:
 * `Location` and `Idempotent-Replayed`. Serialization is unchanged.
 */
export function createdWithReplayHeaders(schema, location) {
    return schema.meta({
        headers: {
            location: { type: 'string', description: location },
            [REPLAYED_HEADER]: {
                type: 'string',
                enum: ['true'],
                description: 'Present (`true`) when this is the stored answer of an earlier request with the same `Idempotency-Key` and body; nothing was created this time.',
            },
        },
    });
}
/** The problem+json answer of a use case's error (status, body and headers from the one table). */
export function errorAnswer(request, error) {
    const draft = problemFor(error);
    return {
        status: draft.status,
        payload: toProblem(draft, request),
        headers: { ...draft.headers, 'content-type': PROBLEM_CONTENT_TYPE },
    };
}
const firstHeader = (v) => (Array.isArray(v) ? v[0] : v);
/**
 * Answers a POST through `execution` when it carries `Idempotency-Key` (scope: the caller, the
 * operation `route`, the key; fingerprint: the validated body), else runs `produce` directly.
 * `produce` builds the answer (success or expected error) without sending it; the answer is
 * serialized with the route's response schema, stored, and replayed byte for byte to repeats
 * (same status, body, `Location`/`Content-Type`, plus `Idempotent-Replayed: true`).
 * Key errors answer 422 (`INVALID_IDEMPOTENCY_KEY`, `IDEMPOTENCY_KEY_REUSED`) or 409
 * (`IDEMPOTENCY_KEY_IN_PROGRESS`), a store outage 503.
 */
export async function answerIdempotently(request, reply, options, produce) {
    const key = firstHeader(request.headers['idempotency-key']);
    if (key === undefined) {
        const answer = await produce();
        return reply
            .code(answer.status)
            .headers({ ...answer.headers })
            .send(answer.payload);
    }
    const result = await options.execution.execute({ ownerId: principalOf(request).userId, route: options.route, key, body: request.body ?? null }, async () => {
        const answer = await produce();
        void reply.code(answer.status);
        const body = reply.serialize(answer.payload);
        return {
            status: answer.status,
            body: typeof body === 'string' ? body : Buffer.from(body).toString('utf8'),
            headers: { 'content-type': JSON_CONTENT_TYPE, ...answer.headers },
        };
    });
    if (result.isErr())
        return sendError(reply, result.error);
    const { response, replayed } = result.value;
    void reply.code(response.status).headers({ ...response.headers });
    if (replayed)
        void reply.header(REPLAYED_HEADER, 'true');
    return reply.send(response.body);
}
//# sourceMappingURL=idempotency.js.map