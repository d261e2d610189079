import { okAsync } from 'neverthrow';
import { displayPrefix, generateApiKey, hashApiKey } from './api-keys.js';
/** The local operator who owns the bootstrap key. */
export const LOCAL_ADMIN_ID = 'local-admin';
/**
 * Makes sure someone can call the API on a fresh installation: registers the configured key
 * (`FRAMECAST_API_KEY`) for the local admin, or — in development, when no key exists at all —
 * generates one to print once. Keys are stored as SHA-256 only.
 */
export class EnsureBootstrapApiKey {
    deps;
    constructor(deps) {
        this.deps = deps;
    }
    execute(input) {
        const now = this.deps.clock.now();
        const register = (key, name) => this.deps.users.upsert({ id: LOCAL_ADMIN_ID, email: null, role: 'admin', now }).andThen(() => this.deps.apiKeys.insert({
            id: this.deps.ids.next(),
            ownerId: LOCAL_ADMIN_ID,
            name,
            prefix: displayPrefix(key),
            hash: hashApiKey(key),
            scopes: ['jobs', 'admin'],
            createdAt: now,
            revokedAt: null,
            lastUsedAt: null,
        }));
        if (input.configuredKey !== undefined) {
            const key = input.configuredKey;
            return this.deps.apiKeys
                .findByHash(hashApiKey(key))
                .andThen((found) => found !== null
                ? okAsync({ outcome: 'configured' })
                : register(key, 'FRAMECAST_API_KEY').map(() => ({ outcome: 'configured' })));
        }
        return this.deps.apiKeys.count().andThen((count) => {
            if (count > 0 || !input.generateIfNone)
                return okAsync({ outcome: 'existing' });
            const key = generateApiKey();
            return register(key, 'generated development key').map(() => ({
                outcome: 'generated',
                key,
            }));
        });
    }
}
//# sourceMappingURL=ensure-bootstrap-api-key.js.map