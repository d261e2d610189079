import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import type { Principal } from '../domain/principal.js';
import type { ApiKeyRepository } from '../ports/api-key-repository.js';
import type { Clock } from '../ports/clock.js';
import type { DatabaseUnavailable } from '../ports/errors.js';
import type { UserRepository } from '../ports/user-repository.js';
import { hashApiKey } from './api-keys.js';
import type { Unauthenticated } from './errors.js';

/** Keys longer than this are refused before hashing. */
const MAX_KEY_LENGTH = 256;
/** `lastUsedAt` is written at most once per this many ms per key. */
const TOUCH_INTERVAL_MS = 60_000;

/** Resolves an `X-API-Key` value to the principal it belongs to. */
export class AuthenticateApiKey {
  private readonly touchedAt = new Map<string, number>();

  constructor(
    private readonly deps: {
      readonly apiKeys: ApiKeyRepository;
      readonly users: UserRepository;
      readonly clock: Clock;
    },
  ) {}

  /** @returns the principal, `Unauthenticated` (unknown, malformed or revoked key) or `DatabaseUnavailable`. */
  execute(key: string): ResultAsync<Principal, Unauthenticated | DatabaseUnavailable> {
    if (key.length < 16 || key.length > MAX_KEY_LENGTH || /\s/.test(key))
      return errAsync({ type: 'Unauthenticated', reason: 'malformed API key' });
    return this.deps.apiKeys.findByHash(hashApiKey(key)).andThen((record) => {
      if (record === null)
        return errAsync<Principal, Unauthenticated>({ type: 'Unauthenticated', reason: 'unknown API key' });
      if (record.revokedAt !== null)
        return errAsync<Principal, Unauthenticated>({ type: 'Unauthenticated', reason: 'revoked API key' });
      const now = this.deps.clock.now();
      const last = this.touchedAt.get(record.id) ?? 0;
      if (now.getTime() - last > TOUCH_INTERVAL_MS) {
        this.touchedAt.set(record.id, now.getTime());
        void this.deps.apiKeys.touch(record.id, now);
      }
      return this.deps.users.findById(record.ownerId).andThen((user) =>
        okAsync<Principal, Unauthenticated | DatabaseUnavailable>({
          userId: record.ownerId,
          role: user?.role ?? 'user',
          scopes: record.scopes,
          via: 'api-key',
          keyId: record.id,
        }),
      );
    });
  }
}
