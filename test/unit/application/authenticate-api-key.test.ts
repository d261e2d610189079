import { describe, expect, it } from 'vitest';
import { hashApiKey } from '../../../src/application/api-keys.js';
import type { ApiKeyRecord } from '../../../src/ports/api-key-repository.js';
import {
  ALICE,
  at,
  createApplicationFixture,
  sleep,
  T0,
  type ApplicationFixture,
} from '../../support/application-fixture.js';

const KEY = 'fc_alice-test-key-0123456789abcdef';

async function withKey(
  f: ApplicationFixture,
  overrides: Partial<ApiKeyRecord> = {},
  key = KEY,
): Promise<ApiKeyRecord> {
  const record: ApiKeyRecord = {
    id: 'key-1',
    ownerId: ALICE,
    name: 'ci',
    prefix: key.slice(0, 8),
    hash: hashApiKey(key),
    scopes: ['jobs'],
    createdAt: T0,
    revokedAt: null,
    lastUsedAt: null,
    ...overrides,
  };
  (await f.apiKeys.insert(record))._unsafeUnwrap();
  return record;
}

/** Lets fire-and-forget writes (the `lastUsedAt` touch) land. */
const settle = (): Promise<void> => sleep(1);

describe('AuthenticateApiKey', () => {
  it('resolves a valid key to its owner, with the role from the user record', async () => {
    const f = createApplicationFixture();
    await withKey(f, { scopes: ['jobs', 'admin'] });
    (await f.users.upsert({ id: ALICE, email: 'alice@example.com', role: 'admin', now: T0 }))._unsafeUnwrap();

    expect((await f.authenticateApiKey.execute(KEY))._unsafeUnwrap()).toEqual({
      userId: ALICE,
      role: 'admin',
      scopes: ['jobs', 'admin'],
      via: 'api-key',
      keyId: 'key-1',
    });
  });

  it("gives role 'user' when the owner has no user record", async () => {
    const f = createApplicationFixture();
    await withKey(f);
    expect((await f.authenticateApiKey.execute(KEY))._unsafeUnwrap()).toMatchObject({
      userId: ALICE,
      role: 'user',
    });
  });

  it('answers Unauthenticated for an unknown key', async () => {
    const f = createApplicationFixture();
    await withKey(f);
    expect(
      (await f.authenticateApiKey.execute('fc_someone-elses-key-000000000000'))._unsafeUnwrapErr(),
    ).toEqual({
      type: 'Unauthenticated',
      reason: 'unknown API key',
    });
  });

  it.each([
    ['too short', 'fc_short'],
    ['empty', ''],
    ['too long', `fc_${'x'.repeat(300)}`],
    ['with whitespace', 'fc_alice-test-key 0123456789abcdef'],
    ['with a newline', `${KEY}\n`],
  ])('answers Unauthenticated for a malformed key (%s)', async (_name, key) => {
    const f = createApplicationFixture();
    await withKey(f);
    expect((await f.authenticateApiKey.execute(key))._unsafeUnwrapErr()).toEqual({
      type: 'Unauthenticated',
      reason: 'malformed API key',
    });
  });

  it('answers Unauthenticated for a revoked key', async () => {
    const f = createApplicationFixture();
    await withKey(f, { revokedAt: T0 });
    expect((await f.authenticateApiKey.execute(KEY))._unsafeUnwrapErr()).toEqual({
      type: 'Unauthenticated',
      reason: 'revoked API key',
    });
  });

  it('records when a key was last used, at most once a minute', async () => {
    const f = createApplicationFixture();
    const record = await withKey(f);
    const lastUsed = async () => (await f.apiKeys.findByHash(record.hash))._unsafeUnwrap()!.lastUsedAt;

    await f.authenticateApiKey.execute(KEY);
    await settle();
    expect(await lastUsed()).toEqual(T0);

    f.clock.advance(30_000);
    await f.authenticateApiKey.execute(KEY);
    await settle();
    expect(await lastUsed()).toEqual(T0);

    f.clock.advance(31_000);
    await f.authenticateApiKey.execute(KEY);
    await settle();
    expect(await lastUsed()).toEqual(at(61_000));
  });

  it('does not record use of a revoked key', async () => {
    const f = createApplicationFixture();
    const record = await withKey(f, { revokedAt: T0 });
    await f.authenticateApiKey.execute(KEY);
    await settle();
    expect((await f.apiKeys.findByHash(record.hash))._unsafeUnwrap()!.lastUsedAt).toBeNull();
  });
});
