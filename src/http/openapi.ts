/**
 * Final touches on the generated OpenAPI 3.1 document (after fastify-type-provider-zod's
 * `jsonSchemaTransformObject`), so that it says what the server really sends:
 *
 * - a response schema marked `.meta({ 'x-content-type': 'video/mp4' })` is served under that media
 *   type: files (`video/mp4`, `image/jpeg`, `text/vtt`...) as `{ type: string, format: binary }`,
 *   text formats (`text/event-stream`, `text/plain`) as a string with the schema's example;
 * - problem responses are `application/problem+json`;
 * - bodiless answers (101, 204, 3xx without a schema) have no content;
 * - @fastify/swagger's placeholder description "Default Response" becomes the status's meaning
 *   (or the described schema's description).
 */

/** Media types served as text: their schema stays a string with its example. */
const TEXT_TYPES = /^text\/(event-stream|plain)/;

const STATUS_TEXT: Readonly<Record<string, string>> = {
  '101': 'Switching protocols',
  '200': 'OK',
  '201': 'Created',
  '202': 'Accepted',
  '204': 'No content',
  '206': 'Partial content (the requested byte range)',
  '302': 'Found (redirect)',
  '304': 'Not modified',
  '400': 'Bad request (problem+json)',
  '401': 'Authentication required: no, invalid or expired credentials (problem+json)',
  '403': 'Forbidden: the caller lacks the role or scope (problem+json)',
  '404': 'Not found, or not visible to this caller (problem+json)',
  '409': 'Conflict with the current state (problem+json)',
  '413': 'Payload too large (problem+json)',
  '415': 'Unsupported media type (problem+json)',
  '416': 'Range not satisfiable (problem+json)',
  '422': 'Validation failed, with field errors (problem+json)',
  '426': 'Upgrade required (problem+json)',
  '429': 'Too many requests; see Retry-After (problem+json)',
  '500': 'Internal server error (problem+json)',
  '503': 'Service unavailable; see Retry-After (problem+json)',
};

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Rewrites the document in place (see the module comment) and returns it. */
export function polishOpenApi<T>(document: T): T {
  const doc = document as unknown as Json;
  const components = isObject(doc['components']) ? doc['components'] : {};
  const schemas = isObject(components['schemas']) ? components['schemas'] : {};
  const refName = (schema: unknown): string | undefined =>
    isObject(schema) && typeof schema['$ref'] === 'string'
      ? schema['$ref'].replace('#/components/schemas/', '')
      : undefined;

  for (const pathItem of Object.values(isObject(doc['paths']) ? doc['paths'] : {})) {
    if (!isObject(pathItem)) continue;
    for (const operation of Object.values(pathItem)) {
      if (!isObject(operation) || !isObject(operation['responses'])) continue;
      for (const [status, response] of Object.entries(operation['responses'])) {
        if (!isObject(response)) continue;
        polishResponse(status, response, schemas, refName);
      }
    }
  }
  return document;
}

function polishResponse(
  status: string,
  response: Json,
  schemas: Json,
  refName: (schema: unknown) => string | undefined,
): void {
  const content = isObject(response['content']) ? response['content'] : undefined;
  const json =
    content !== undefined && isObject(content['application/json']) ? content['application/json'] : undefined;
  const schema = json !== undefined && isObject(json['schema']) ? json['schema'] : undefined;
  const name = refName(schema);
  const described = name !== undefined && isObject(schemas[name]) ? schemas[name]['description'] : undefined;

  if (response['description'] === 'Default Response' || response['description'] === undefined) {
    response['description'] =
      name === 'Problem'
        ? (STATUS_TEXT[status] ?? 'Problem details (problem+json)')
        : typeof described === 'string'
          ? described
          : (STATUS_TEXT[status] ?? `HTTP ${status}`);
  }
  if (content === undefined || json === undefined || schema === undefined) return;

  const mediaType = schema['x-content-type'];
  if (typeof mediaType === 'string') {
    const { 'x-content-type': _dropped, ...rest } = schema;
    const description = typeof rest['description'] === 'string' ? rest['description'] : undefined;
    const example = rest['example'];
    response['content'] = {
      [mediaType]: {
        schema: TEXT_TYPES.test(mediaType)
          ? {
              type: 'string',
              ...(description !== undefined ? { description } : {}),
              ...(example !== undefined ? { example } : {}),
            }
          : { type: 'string', format: 'binary', ...(description !== undefined ? { description } : {}) },
      },
    };
    return;
  }
  if (name === 'Problem') {
    response['content'] = { 'application/problem+json': json };
    return;
  }
  const bodiless = status === '101' || status === '204' || status.startsWith('3');
  if (bodiless && name === undefined && schema['type'] === undefined && schema['properties'] === undefined) {
    delete response['content'];
  }
}
