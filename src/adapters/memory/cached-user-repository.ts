import { okAsync, type ResultAsync } from 'neverthrow';
import type { DatabaseUnavailable } from '../../ports/errors.js';
import type { UserRecord, UserRepository, UserRole } from '../../ports/user-repository.js';

interface Entry {
  readonly user: UserRecord | null;
  readonly expiresAt: number;
}

/** Clock reading in ms (`performance.now` by default; tests pass their own). */
export type MonotonicMs = () => number;

/**
 * A {@link UserRepository} that keeps `findById` answers (found or not) in this process for up to
 * `ttlMs`, in front of another repository. Writes go through to the inner repository and drop the
 * user's entry, so a change made through this instance is seen at once by its readers; a change
 * made by another process (or directly on the inner repository) is seen within `ttlMs`. At most
 * `maxEntries` users are kept (the oldest entry is dropped first). Failures are never cached.
 *
 * Used where a read per request is the cost and seconds of staleness across processes are
 * acceptable: the preferences merged into a new job's spec (`PrepareVideoSpec`).
 */
export class CachedUserRepository implements UserRepository {
  readonly #entries = new Map<string, Entry>();
  /** Bumped by every write: a read that overlapped a write does not store its (maybe older) answer. */
  #writes = 0;

  constructor(
    private readonly inner: UserRepository,
    private readonly options: {
      /** How long an answer is reused, in ms. */
      readonly ttlMs: number;
      /** Most users kept (default 10,000). */
      readonly maxEntries?: number;
      readonly now?: MonotonicMs;
    },
  ) {}

  upsert(user: {
    id: string;
    email: string | null;
    role: UserRole;
    now: Date;
  }): ResultAsync<UserRecord, DatabaseUnavailable> {
    this.#forget(user.id);
    return this.inner.upsert(user).map((stored) => {
      this.#entries.delete(user.id);
      return stored;
    });
  }

  findById(id: string): ResultAsync<UserRecord | null, DatabaseUnavailable> {
    const now = this.#now();
    const cached = this.#entries.get(id);
    if (cached !== undefined && cached.expiresAt > now) return okAsync(cached.user);
    const writes = this.#writes;
    return this.inner.findById(id).map((user) => {
      if (writes !== this.#writes) return user;
      this.#entries.delete(id);
      if (this.#entries.size >= (this.options.maxEntries ?? 10_000)) {
        const oldest = this.#entries.keys().next();
        if (oldest.done !== true) this.#entries.delete(oldest.value);
      }
      this.#entries.set(id, { user, expiresAt: now + this.options.ttlMs });
      return user;
    });
  }

  updatePreferences(
    id: string,
    preferences: Readonly<Record<string, unknown>>,
    now: Date,
  ): ResultAsync<UserRecord | null, DatabaseUnavailable> {
    this.#forget(id);
    return this.inner.updatePreferences(id, preferences, now).map((user) => {
      this.#entries.delete(id);
      return user;
    });
  }

  #forget(id: string): void {
    this.#writes += 1;
    this.#entries.delete(id);
  }

  #now(): number {
    return (this.options.now ?? performance.now.bind(performance))();
  }
}
