import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UserRepository } from '../../src/ports/user-repository.js';

/** One fresh, empty store per test. */
export interface UserRepositorySubject {
  readonly repo: UserRepository;
  close(): Promise<void>;
}

const T1 = new Date('2026-11-20T08:00:00.000Z');
const T2 = new Date('2026-11-21T09:30:00.250Z');

/**
 * Runs the {@link UserRepository} contract against one adapter: insert, update keeping
 * creation time and preferences, not-found.
 *
 * @param adapterName shown in the suite name: `UserRepository contract [<adapterName>]`.
 * @param makeSubject makes a fresh, empty store for each test.
 */
export function describeUserRepositoryContract(
  adapterName: string,
  makeSubject: () => Promise<UserRepositorySubject>,
): void {
  describe(`UserRepository contract [${adapterName}]`, () => {
    let subject: UserRepositorySubject;
    let repo: UserRepository;

    beforeEach(async () => {
      subject = await makeSubject();
      repo = subject.repo;
    });

    afterEach(async () => {
      await subject.close();
    });

    it('inserts a new user with empty preferences', async () => {
      const user = (
        await repo.upsert({ id: 'user_1', email: 'a@example.com', role: 'user', now: T1 })
      )._unsafeUnwrap();
      const expected = {
        id: 'user_1',
        email: 'a@example.com',
        role: 'user',
        preferences: {},
        createdAt: T1,
        updatedAt: T1,
      };
      expect(user).toEqual(expected);
      expect((await repo.findById('user_1'))._unsafeUnwrap()).toEqual(expected);
    });

    it('updates email and role of an existing user, keeping its creation time', async () => {
      (await repo.upsert({ id: 'user_1', email: 'a@example.com', role: 'user', now: T1 }))._unsafeUnwrap();
      const updated = (
        await repo.upsert({ id: 'user_1', email: null, role: 'admin', now: T2 })
      )._unsafeUnwrap();
      const expected = {
        id: 'user_1',
        email: null,
        role: 'admin',
        preferences: {},
        createdAt: T1,
        updatedAt: T2,
      };
      expect(updated).toEqual(expected);
      expect((await repo.findById('user_1'))._unsafeUnwrap()).toEqual(expected);
    });

    it('keeps users apart', async () => {
      (await repo.upsert({ id: 'user_1', email: 'a@example.com', role: 'user', now: T1 }))._unsafeUnwrap();
      (await repo.upsert({ id: 'user_2', email: 'b@example.com', role: 'admin', now: T2 }))._unsafeUnwrap();
      expect((await repo.findById('user_1'))._unsafeUnwrap()?.email).toBe('a@example.com');
      expect((await repo.findById('user_2'))._unsafeUnwrap()?.role).toBe('admin');
    });

    it('answers null for an unknown user', async () => {
      expect((await repo.findById('nobody'))._unsafeUnwrap()).toBeNull();
    });

    it('replaces the preferences of a user, which a later upsert keeps', async () => {
      (await repo.upsert({ id: 'user_1', email: 'a@example.com', role: 'user', now: T1 }))._unsafeUnwrap();
      const first = { defaultQuality: 'high', extra: { theme: 'dark', list: [1, 'two', null] } };
      (await repo.updatePreferences('user_1', first, T1))._unsafeUnwrap();
      const second = { defaultAspectRatio: '9:16', defaultNarration: false };
      const updated = (await repo.updatePreferences('user_1', second, T2))._unsafeUnwrap();
      expect(updated).toEqual({
        id: 'user_1',
        email: 'a@example.com',
        role: 'user',
        preferences: second,
        createdAt: T1,
        updatedAt: T2,
      });
      expect((await repo.findById('user_1'))._unsafeUnwrap()?.preferences).toEqual(second);
      (await repo.upsert({ id: 'user_1', email: 'new@example.com', role: 'user', now: T2 }))._unsafeUnwrap();
      expect((await repo.findById('user_1'))._unsafeUnwrap()?.preferences).toEqual(second);
    });

    it('answers null when updating the preferences of an unknown user, storing nothing', async () => {
      expect(
        (await repo.updatePreferences('nobody', { defaultQuality: 'low' }, T1))._unsafeUnwrap(),
      ).toBeNull();
      expect((await repo.findById('nobody'))._unsafeUnwrap()).toBeNull();
    });

    it('hands out copies of preferences', async () => {
      (await repo.upsert({ id: 'user_1', email: null, role: 'user', now: T1 }))._unsafeUnwrap();
      const prefs = { extra: { a: 1 } };
      const updated = (await repo.updatePreferences('user_1', prefs, T2))._unsafeUnwrap();
      prefs.extra.a = 2;
      (updated!.preferences['extra'] as { a: number }).a = 3;
      expect((await repo.findById('user_1'))._unsafeUnwrap()?.preferences).toEqual({ extra: { a: 1 } });
    });
  });
}
