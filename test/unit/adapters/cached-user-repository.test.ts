import { errAsync, type ResultAsync } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import { CachedUserRepository } from '../../../src/adapters/memory/cached-user-repository.js';
import { InMemoryUserRepository } from '../../../src/adapters/memory/in-memory-user-repository.js';
import type { DatabaseUnavailable } from '../../../src/ports/errors.js';
import type { UserRecord, UserRepository } from '../../../src/ports/user-repository.js';

const NOW = new Date('2026-11-21T12:00:00.000Z');

/** The in-memory store, counting reads and able to fail them. */
class CountingUsers implements UserRepository {
  readonly inner = new InMemoryUserRepository();
  reads = 0;
  failReads = false;
  upsert: UserRepository['upsert'] = (user) => this.inner.upsert(user);
  updatePreferences: UserRepository['updatePreferences'] = (id, preferences, now) =>
    this.inner.updatePreferences(id, preferences, now);
  findById(id: string): ResultAsync<UserRecord | null, DatabaseUnavailable> {
    this.reads += 1;
    if (this.failReads) return errAsync({ type: 'DatabaseUnavailable', message: 'down' });
    return this.inner.findById(id);
  }
}

function subject(ttlMs = 5_000) {
  const store = new CountingUsers();
  let clock = 0;
  const cached = new CachedUserRepository(store, { ttlMs, maxEntries: 2, now: () => clock });
  return { store, cached, advance: (ms: number) => (clock += ms) };
}

describe('CachedUserRepository', () => {
  it('reuses an answer (found or not) for ttlMs, then reads again', async () => {
    const s = subject();
    await s.store.upsert({ id: 'u1', email: null, role: 'user', now: NOW });
    expect((await s.cached.findById('u1'))._unsafeUnwrap()?.id).toBe('u1');
    expect((await s.cached.findById('nobody'))._unsafeUnwrap()).toBeNull();
    s.advance(4_999);
    await s.cached.findById('u1');
    await s.cached.findById('nobody');
    expect(s.store.reads).toBe(2);
    s.advance(1);
    await s.cached.findById('u1');
    expect(s.store.reads).toBe(3);
  });

  it('shows a preference change made through it at once', async () => {
    const s = subject();
    await s.cached.upsert({ id: 'u1', email: null, role: 'user', now: NOW });
    await s.cached.findById('u1');
    await s.cached.updatePreferences('u1', { defaultQuality: 'high' }, NOW);
    expect((await s.cached.findById('u1'))._unsafeUnwrap()?.preferences).toEqual({ defaultQuality: 'high' });
  });

  it('sees a change made elsewhere only after ttlMs (the documented bound)', async () => {
    const s = subject();
    await s.store.upsert({ id: 'u1', email: null, role: 'user', now: NOW });
    await s.cached.findById('u1');
    await s.store.updatePreferences('u1', { defaultQuality: 'high' }, NOW);
    expect((await s.cached.findById('u1'))._unsafeUnwrap()?.preferences).toEqual({});
    s.advance(5_000);
    expect((await s.cached.findById('u1'))._unsafeUnwrap()?.preferences).toEqual({ defaultQuality: 'high' });
  });

  it('does not keep a read that overlapped a write', async () => {
    const s = subject();
    await s.store.upsert({ id: 'u1', email: null, role: 'user', now: NOW });
    const read = s.cached.findById('u1'); // answers the old preferences
    await s.cached.updatePreferences('u1', { defaultQuality: 'high' }, NOW);
    await read;
    expect((await s.cached.findById('u1'))._unsafeUnwrap()?.preferences).toEqual({ defaultQuality: 'high' });
  });

  it('never caches a failure, and keeps at most maxEntries users', async () => {
    const s = subject();
    s.store.failReads = true;
    expect((await s.cached.findById('u1'))._unsafeUnwrapErr().type).toBe('DatabaseUnavailable');
    s.store.failReads = false;
    expect((await s.cached.findById('u1'))._unsafeUnwrap()).toBeNull();
    await s.cached.findById('u2');
    await s.cached.findById('u3'); // drops u1, the oldest
    const before = s.store.reads;
    await s.cached.findById('u3');
    await s.cached.findById('u1');
    expect(s.store.reads).toBe(before + 1);
  });
});
