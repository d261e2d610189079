import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../support/http-app.js';

/**
 * The rule for every operation of `/openapi.json` (routes added later must comply): a valid
 * OpenAPI 3.1 document; each operation has an operationId, summary, description, tags, an explicit
 * `security` (empty for public probes), an example, and its error responses as problem+json; no
 * "Default Response" placeholder; files and streams declare their real media types.
 */

type Json = Record<string, unknown>;
interface Operation {
  readonly key: string;
  readonly method: string;
  readonly path: string;
  readonly op: Json;
}

let t: TestApp;
let doc: Json;
let operations: Operation[];

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

beforeAll(async () => {
  t = await createTestApp();
  const res = await t.app.inject({ method: 'GET', url: '/openapi.json' });
  expect(res.statusCode).toBe(200);
  doc = res.json() as Json;
  operations = Object.entries(doc['paths'] as Json).flatMap(([path, item]) =>
    Object.entries(item as Json)
      .filter(([method]) => METHODS.has(method))
      .map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, method, path, op: op as Json })),
  );
}, 60_000);
afterAll(async () => {
  await t.close();
});

/** Follows a local `$ref` (`#/components/schemas/X`). */
function resolve(value: unknown): unknown {
  if (!isObject(value) || typeof value['$ref'] !== 'string') return value;
  const parts = value['$ref'].replace(/^#\//, '').split('/');
  let target: unknown = doc;
  for (const part of parts) target = isObject(target) ? target[part] : undefined;
  return target;
}

/** Whether a schema (following refs, into properties and items) or media object carries an example. */
function hasExample(value: unknown, depth = 0): boolean {
  const v = resolve(value);
  if (!isObject(v) || depth > 6) return false;
  if (v['example'] !== undefined || (Array.isArray(v['examples']) && v['examples'].length > 0)) return true;
  if (isObject(v['examples']) && Object.keys(v['examples']).length > 0) return true;
  if (hasExample(v['schema'], depth + 1)) return true;
  if (isObject(v['properties'])) return Object.values(v['properties']).some((p) => hasExample(p, depth + 1));
  return hasExample(v['items'], depth + 1);
}

const mediaObjects = (holder: unknown): [string, Json][] => {
  const content = isObject(holder) ? holder['content'] : undefined;
  return isObject(content) ? (Object.entries(content) as [string, Json][]) : [];
};

describe('GET /openapi.json', () => {
  it('validates as OpenAPI 3.1', async () => {
    expect(doc['openapi']).toMatch(/^3\.1\./);
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('lists the operations of every area, including operations and Prometheus', () => {
    const keys = operations.map((o) => o.key);
    expect(keys.length).toBeGreaterThan(10);
    expect(keys).toEqual(
      expect.arrayContaining([
        'POST /api/v1/videos/generate',
        'GET /api/v1/system/metrics',
        'GET /api/v1/system/queue-status',
        'GET /api/v1/system/container',
        'GET /metrics',
      ]),
    );
    // Plugin routes (CORS preflight, docs assets) stay out of the document.
    expect(keys.filter((k) => k.startsWith('OPTIONS') || k.includes('/docs'))).toEqual([]);
  });

  it('gives every operation a unique operationId, a summary, a description and tags', () => {
    const problems: string[] = [];
    const ids = new Map<string, string>();
    for (const { key, op } of operations) {
      const id = op['operationId'];
      if (typeof id !== 'string' || !/^[a-z][A-Za-z0-9]+$/.test(id)) problems.push(`${key}: operationId`);
      else if (ids.has(id)) problems.push(`${key}: operationId ${id} also used by ${ids.get(id)}`);
      else ids.set(id, key);
      if (typeof op['summary'] !== 'string' || op['summary'].length < 5) problems.push(`${key}: summary`);
      if (typeof op['description'] !== 'string' || op['description'].length < 20)
        problems.push(`${key}: description`);
      if (!Array.isArray(op['tags']) || op['tags'].length === 0) problems.push(`${key}: tags`);
    }
    expect(problems).toEqual([]);
  });

  it('declares security on every operation: a known scheme, or explicitly none for public probes', () => {
    const schemes = Object.keys(((doc['components'] as Json)['securitySchemes'] as Json) ?? {});
    const problems: string[] = [];
    for (const { key, op } of operations) {
      const security = op['security'];
      if (!Array.isArray(security)) {
        problems.push(`${key}: no security (use [] for a public operation)`);
        continue;
      }
      for (const requirement of security as Json[])
        for (const name of Object.keys(requirement))
          if (!schemes.includes(name)) problems.push(`${key}: unknown security scheme ${name}`);
      const responses = op['responses'] as Json;
      if (security.length > 0 && responses['401'] === undefined)
        problems.push(`${key}: secured but no 401 response`);
    }
    expect(problems).toEqual([]);
    const publicOps = operations
      .filter((o) => (o.op['security'] as unknown[]).length === 0)
      .map((o) => o.key);
    expect(publicOps).toEqual(
      expect.arrayContaining(['GET /api/v1/system/health/live', 'GET /api/v1/system/health/ready']),
    );
  });

  it('gives every operation an example in its request, its parameters or a success response', () => {
    const problems: string[] = [];
    for (const { key, op } of operations) {
      const inRequest = mediaObjects(op['requestBody']).some(([, media]) => hasExample(media));
      const inParameters = ((op['parameters'] as Json[] | undefined) ?? []).some(
        (p) => p['example'] !== undefined || hasExample(p['schema']),
      );
      const inResponses = Object.entries(op['responses'] as Json)
        .filter(([status]) => /^[123]/.test(status))
        .some(([, response]) => mediaObjects(response).some(([, media]) => hasExample(media)));
      if (!inRequest && !inParameters && !inResponses) problems.push(key);
    }
    expect(problems).toEqual([]);
  });

  it('documents error responses as problem+json and never says "Default Response"', () => {
    const problems: string[] = [];
    for (const { key, op } of operations) {
      const responses = Object.entries(op['responses'] as Json);
      // Only the liveness probe has no failure to report (while it can answer, it is alive).
      const isPublic = (op['security'] as unknown[]).length === 0;
      if (!isPublic && !responses.some(([status]) => /^[45]/.test(status)))
        problems.push(`${key}: no error response`);
      for (const [status, response] of responses) {
        const r = response as Json;
        if (typeof r['description'] !== 'string' || r['description'] === 'Default Response')
          problems.push(`${key} ${status}: description`);
        if (!/^[45]/.test(status)) continue;
        const types = mediaObjects(r).map(([type]) => type);
        // The health endpoints answer 503 with the health report itself.
        const healthReport = status === '503' && key.includes('/system/health');
        if (!healthReport && (types.length !== 1 || types[0] !== 'application/problem+json'))
          problems.push(
            `${key} ${status}: ${types.join(', ') || 'no content'} (want application/problem+json)`,
          );
      }
    }
    expect(problems).toEqual([]);
  });

  it('declares the real media types of files and streams, files as binary strings', () => {
    const successTypes = (key: string): Record<string, Json> => {
      const op = operations.find((o) => o.key === key);
      expect(op, key).toBeDefined();
      const out: Record<string, Json> = {};
      for (const [status, response] of Object.entries(op!.op['responses'] as Json))
        if (/^2/.test(status))
          for (const [type, media] of mediaObjects(response))
            out[`${status} ${type}`] = media['schema'] as Json;
      return out;
    };
    const binary = { type: 'string', format: 'binary' };
    for (const [key, type] of [
      ['GET /api/v1/videos/jobs/{jobId}/download', 'video/mp4'],
      ['GET /api/v1/videos/jobs/{jobId}/thumbnail', 'image/jpeg'],
      ['GET /api/v1/videos/jobs/{jobId}/subtitles', 'text/vtt'],
    ] as const) {
      const types = successTypes(key);
      expect(Object.keys(types).sort(), key).toEqual([`200 ${type}`, `206 ${type}`]);
      expect(types[`200 ${type}`]).toMatchObject(binary);
    }
    expect(Object.keys(successTypes('GET /api/v1/videos/jobs/{jobId}/events'))).toEqual([
      '200 text/event-stream',
    ]);
    const metrics = successTypes('GET /metrics');
    expect(Object.keys(metrics)).toEqual(['200 text/plain; version=0.0.4; charset=utf-8']);
    expect(Object.values(metrics)[0]).toMatchObject({ type: 'string' });
    // No operation answers a success as an untyped JSON value.
    const untyped: string[] = [];
    for (const { key, op } of operations)
      for (const [status, response] of Object.entries(op['responses'] as Json))
        for (const [type, media] of mediaObjects(response)) {
          const schema = resolve(media['schema']);
          if (
            type === 'application/json' &&
            isObject(schema) &&
            Object.keys(schema).every((k) => k === 'description')
          )
            untyped.push(`${key} ${status}`);
        }
    expect(untyped).toEqual([]);
  });

  it('declares the metrics token scheme used by GET /metrics', () => {
    const schemes = (doc['components'] as Json)['securitySchemes'] as Json;
    expect(schemes['metricsToken']).toMatchObject({ type: 'http', scheme: 'bearer' });
  });
});
