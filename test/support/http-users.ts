import { randomBytes } from 'node:crypto';
import { hashApiKey } from '../../src/application/api-keys.js';
import { T } from '../../src/container/tokens.js';
import type { ApiKeyScope } from '../../src/ports/api-key-repository.js';
import type { TestApp } from './http-app.js';

export interface TestUser {
  readonly id: string;
  /** Headers authenticating as this user. */
  readonly headers: { readonly 'x-api-key': string };
}

/**
 * A new user with an API key in the test app's stores, so that a test sees only its own jobs
 * even when the app is shared by the whole file.
 */
export async function addTestUser(
  t: TestApp,
  options: { role?: 'user' | 'admin'; scopes?: ApiKeyScope[] } = {},
): Promise<TestUser> {
  const id = `user-${randomBytes(4).toString('hex')}`;
  const key = `test-key-${id}-${randomBytes(8).toString('hex')}`;
  const now = new Date();
  (
    await (
      await t.container.resolve(T.users)
    ).upsert({ id, email: `${id}@example.com`, role: options.role ?? 'user', now })
  )._unsafeUnwrap();
  (
    await (
      await t.container.resolve(T.apiKeys)
    ).insert({
      id: `key-${id}`,
      ownerId: id,
      name: id,
      prefix: key.slice(0, 8),
      hash: hashApiKey(key),
      scopes: options.scopes ?? ['jobs'],
      createdAt: now,
      revokedAt: null,
      lastUsedAt: null,
    })
  )._unsafeUnwrap();
  return { id, headers: { 'x-api-key': key } };
}
