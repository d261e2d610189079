import { okAsync, type ResultAsync } from 'neverthrow';
import type { ApiKeyRepository } from '../ports/api-key-repository.js';
import type { AuditLog } from '../ports/audit-log.js';
import type { Clock } from '../ports/clock.js';
import type { DatabaseUnavailable } from '../ports/errors.js';
import type { IdGenerator } from '../ports/id-generator.js';
import type { UserRepository } from '../ports/user-repository.js';
import { displayPrefix, generateApiKey, hashApiKey } from './api-keys.js';

/** The local operator who owns the bootstrap key. */
export const LOCAL_ADMIN_ID = 'local-admin';

export interface BootstrapResult {
  /** `configured`: the key from configuration is registered; `generated`: a new key was made (shown once); `existing`: keys exist, nothing done. */
  readonly outcome: 'configured' | 'generated' | 'existing';
  /** The plaintext key, only when `generated`. */
  readonly key?: string;
}

/**
 * Makes sure someone can call the API on a fresh installation: registers the configured key
 * (`FRAMECAST_API_KEY`) for the local admin, or — in development, when no key exists at all —
 * generates one to print once. Keys are stored as SHA-256 only.
 */
export class EnsureBootstrapApiKey {
  constructor(
    private readonly deps: {
      readonly apiKeys: ApiKeyRepository;
      readonly users: UserRepository;
      readonly clock: Clock;
      readonly ids: IdGenerator;
      /** Key creation is security-relevant: each registered key gets an audit row. */
      readonly audit?: AuditLog;
    },
  ) {}

  execute(input: {
    configuredKey: string | undefined;
    generateIfNone: boolean;
  }): ResultAsync<BootstrapResult, DatabaseUnavailable> {
    const now = this.deps.clock.now();
    const register = (key: string, name: string) => {
      const id = this.deps.ids.next();
      return this.deps.users.upsert({ id: LOCAL_ADMIN_ID, email: null, role: 'admin', now }).andThen(() =>
        this.deps.apiKeys
          .insert({
            id,
            ownerId: LOCAL_ADMIN_ID,
            name,
            prefix: displayPrefix(key),
            hash: hashApiKey(key),
            scopes: ['jobs', 'admin'],
            createdAt: now,
            revokedAt: null,
            lastUsedAt: null,
          })
          .andThen(() =>
            this.deps.audit
              ? this.deps.audit
                  .record({
                    actorId: LOCAL_ADMIN_ID,
                    action: 'api-key.created',
                    targetType: 'api-key',
                    targetId: id,
                    detail: { name, prefix: displayPrefix(key), scopes: ['jobs', 'admin'] },
                    at: now,
                  })
                  .map(() => undefined)
              : okAsync(undefined),
          ),
      );
    };
    if (input.configuredKey !== undefined) {
      const key = input.configuredKey;
      return this.deps.apiKeys
        .findByHash(hashApiKey(key))
        .andThen((found) =>
          found !== null
            ? okAsync<BootstrapResult, DatabaseUnavailable>({ outcome: 'configured' })
            : register(key, 'FRAMECAST_API_KEY').map((): BootstrapResult => ({ outcome: 'configured' })),
        );
    }
    return this.deps.apiKeys.count().andThen((count) => {
      if (count > 0 || !input.generateIfNone)
        return okAsync<BootstrapResult, DatabaseUnavailable>({ outcome: 'existing' });
      const key = generateApiKey();
      return register(key, 'generated development key').map((): BootstrapResult => ({
        outcome: 'generated',
        key,
      }));
    });
  }
}
