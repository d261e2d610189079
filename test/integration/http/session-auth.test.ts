import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClerkTokenFactory, TEST_CLERK_ISSUER, TEST_CLERK_PARTY } from '../../support/clerk-tokens.js';
import { createTestApp, KEY_A, type TestApp } from '../../support/http-app.js';

const tokens = new ClerkTokenFactory();
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({
    CLERK_JWT_KEY: tokens.keys.publicKeyPem,
    CLERK_ISSUER: TEST_CLERK_ISSUER,
    CLERK_AUTHORIZED_PARTIES: TEST_CLERK_PARTY,
  });
});
afterAll(async () => {
  await t.close();
});

const generate = (headers: Record<string, string>) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/videos/generate',
    headers,
    payload: { topic: 'Session auth' },
  });

describe('Authorization: Bearer <Clerk session token>', () => {
  it('accepts an RS256 Clerk token signed by the configured key; the job belongs to its subject', async () => {
    const token = tokens.session({ claims: { sub: 'user_clerk_1' } });
    const res = await generate({ authorization: `Bearer ${token}` });
    expect(res.statusCode).toBe(201);
    const id = (res.json() as { id: string }).id;
    const own = await t.app.inject({
      method: 'GET',
      url: `/api/v1/videos/jobs/${id}/status`,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(own.statusCode).toBe(200);
    // Another identity (the API key's user) sees 404 for it.
    const other = await t.app.inject({
      method: 'GET',
      url: `/api/v1/videos/jobs/${id}/status`,
      headers: { 'x-api-key': KEY_A },
    });
    expect(other.statusCode).toBe(404);
  });

  it.each([
    ['expired', () => tokens.expired()],
    ['not yet valid', () => tokens.notYetValid()],
    ['wrong authorized party', () => tokens.wrongParty()],
    ['wrong issuer', () => tokens.wrongIssuer()],
    ['bad signature', () => tokens.badSignature()],
    ['alg none', () => tokens.algNone()],
    ['HS256 key confusion', () => tokens.hs256KeyConfusion()],
    ['garbage', () => 'not.a.jwt'],
  ])('answers 401 problem+json for a token that is %s', async (_name, make) => {
    const res = await generate({ authorization: `Bearer ${make()}` });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.json()).toMatchObject({
      code: 'UNAUTHENTICATED',
      detail: expect.stringContaining('invalid session token'),
    });
  });

  it('answers 401 for a malformed Authorization header', async () => {
    const res = await generate({ authorization: 'Basic dXNlcjpwYXNz' });
    expect(res.statusCode).toBe(401);
  });

  it('still accepts API keys beside session tokens', async () => {
    expect((await generate({ 'x-api-key': KEY_A })).statusCode).toBe(201);
  });
});

describe('without Clerk configured', () => {
  it('refuses Bearer tokens with 401', async () => {
    const plain = await createTestApp();
    try {
      const res = await plain.app.inject({
        method: 'GET',
        url: '/api/v1/videos/jobs/x/status',
        headers: { authorization: `Bearer ${tokens.session()}` },
      });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ detail: expect.stringContaining('not enabled') });
    } finally {
      await plain.close();
    }
  });
});
