import { describe, expect, it } from 'vitest';
import { hashApiKey } from '../../../src/application/api-keys.js';
import { AuthenticateApiKey } from '../../../src/application/authenticate-api-key.js';
import {
  ALICE,
  createApplicationFixture,
  T0,
  type ApplicationFixture,
} from '../../support/application-fixture.js';

const KEY = 'fc_alice-test-key-0123456789abcdef';

const insertKey = async (f: ApplicationFixture): Promise<void> =>
  (
    await f.apiKeys.insert({
      id: 'key-1',
      ownerId: ALICE,
      name: 'ci',
      prefix: KEY.slice(0, 8),
      hash: hashApiKey(KEY),
      scopes: ['jobs'],
      createdAt: T0,
      revokedAt: null,
      lastUsedAt: null,
    })
  )._unsafeUnwrap();

const setRole = async (f: ApplicationFixture, role: 'user' | 'admin'): Promise<void> => {
  (await f.users.upsert({ id: ALICE, email: 'alice@example.com', role, now: f.clock.now() }))._unsafeUnwrap();
};

describe('AuthenticateApiKey with a verified-key cache', () => {
  const subject = (f: ApplicationFixture, cacheTtlMs: number): AuthenticateApiKey =>
    new AuthenticateApiKey({ apiKeys: f.apiKeys, users: f.users, clock: f.clock, cacheTtlMs });

  it('serves a resolved key from memory for the TTL, then reads the store again', async () => {
    const f = createApplicationFixture();
    await insertKey(f);
    await setRole(f, 'user');
    const auth = subject(f, 5_000);
    expect((await auth.execute(KEY))._unsafeUnwrap().role).toBe('user');

    await setRole(f, 'admin');
    f.clock.advance(4_999);
    expect((await auth.execute(KEY))._unsafeUnwrap().role).toBe('user');

    f.clock.advance(2);
    expect((await auth.execute(KEY))._unsafeUnwrap().role).toBe('admin');
  });

  it('never caches an unknown key: a key created afterwards works at once', async () => {
    const f = createApplicationFixture();
    const auth = subject(f, 5_000);
    expect((await auth.execute(KEY))._unsafeUnwrapErr()).toEqual({
      type: 'Unauthenticated',
      reason: 'unknown API key',
    });
    await insertKey(f);
    expect((await auth.execute(KEY))._unsafeUnwrap().userId).toBe(ALICE);
  });

  it('reads the store on every call without a TTL (the default)', async () => {
    const f = createApplicationFixture();
    await insertKey(f);
    await setRole(f, 'user');
    const auth = subject(f, 0);
    expect((await auth.execute(KEY))._unsafeUnwrap().role).toBe('user');
    await setRole(f, 'admin');
    expect((await auth.execute(KEY))._unsafeUnwrap().role).toBe('admin');
  });
});
