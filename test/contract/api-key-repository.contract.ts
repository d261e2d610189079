import { createHash, randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiKeyRecord, ApiKeyRepository } from '../../src/ports/api-key-repository.js';

/** One fresh, empty store per test. */
export interface ApiKeyRepositorySubject {
  readonly repo: ApiKeyRepository;
  close(): Promise<void>;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

const newKey = (overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord => {
  const secret = `fc_${randomUUID()}`;
  return {
    id: randomUUID(),
    ownerId: 'owner-1',
    name: 'CI key',
    prefix: secret.slice(0, 15),
    hash: sha256(secret),
    scopes: ['jobs'],
    createdAt: new Date('2026-11-20T08:00:00.000Z'),
    revokedAt: null,
    lastUsedAt: null,
    ...overrides,
  };
};

/**
 * Runs the {@link ApiKeyRepository} contract against one adapter: round trip, lookup by hash,
 * count, touch, unique hash.
 *
 * @param adapterName shown in the suite name: `ApiKeyRepository contract [<adapterName>]`.
 * @param makeSubject makes a fresh, empty store for each test.
 */
export function describeApiKeyRepositoryContract(
  adapterName: string,
  makeSubject: () => Promise<ApiKeyRepositorySubject>,
): void {
  describe(`ApiKeyRepository contract [${adapterName}]`, () => {
    let subject: ApiKeyRepositorySubject;
    let repo: ApiKeyRepository;

    beforeEach(async () => {
      subject = await makeSubject();
      repo = subject.repo;
    });

    afterEach(async () => {
      await subject.close();
    });

    const insert = async (key: ApiKeyRecord): Promise<void> => (await repo.insert(key))._unsafeUnwrap();

    it('stores a key and finds it by hash with every field', async () => {
      const key = newKey({
        scopes: ['jobs', 'admin'],
        revokedAt: new Date('2026-11-20T09:00:00.000Z'),
        lastUsedAt: new Date('2026-11-20T08:30:00.123Z'),
      });
      await insert(key);
      await insert(newKey());
      expect((await repo.findByHash(key.hash))._unsafeUnwrap()).toEqual(key);
    });

    it('answers null for an unknown hash', async () => {
      await insert(newKey());
      expect((await repo.findByHash(sha256('nobody')))._unsafeUnwrap()).toBeNull();
    });

    it('keeps keys that share a prefix apart', async () => {
      const a = newKey({ prefix: 'fc_samesame123' });
      const b = newKey({ prefix: 'fc_samesame123', scopes: ['admin'] });
      await insert(a);
      await insert(b);
      expect((await repo.findByHash(a.hash))._unsafeUnwrap()).toEqual(a);
      expect((await repo.findByHash(b.hash))._unsafeUnwrap()).toEqual(b);
    });

    it('counts keys, revoked ones included', async () => {
      expect((await repo.count())._unsafeUnwrap()).toBe(0);
      await insert(newKey());
      await insert(newKey({ revokedAt: new Date('2026-11-20T09:00:00.000Z') }));
      expect((await repo.count())._unsafeUnwrap()).toBe(2);
    });

    it('records the last use, and ignores an unknown id', async () => {
      const key = newKey();
      await insert(key);
      const used = new Date('2026-11-21T10:00:00.456Z');
      (await repo.touch(key.id, used))._unsafeUnwrap();
      (await repo.touch(randomUUID(), used))._unsafeUnwrap();
      expect((await repo.findByHash(key.hash))._unsafeUnwrap()).toEqual({ ...key, lastUsedAt: used });
    });

    it('refuses a second key with the same hash (programmer error: the call rejects)', async () => {
      const key = newKey();
      await insert(key);
      await expect(async () => await repo.insert({ ...key, id: randomUUID() })).rejects.toThrow();
      expect((await repo.count())._unsafeUnwrap()).toBe(1);
    });
  });
}
