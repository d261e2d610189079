import { okAsync } from 'neverthrow';
/** A user seen in the last this-many ms is not upserted again by this process. */
const UPSERT_INTERVAL_MS = 5 * 60_000;
/** Most users remembered as recently upserted (oldest forgotten first). */
const MAX_REMEMBERED = 10_000;
/**
 * Resolves an `Authorization: Bearer` session token (Clerk JWT) to a principal: verifies it
 * without network calls, then upserts the user on first sight (and when email or role changed),
 * so users need no separate sign-up with Framecast.
 */
export class AuthenticateSession {
    deps;
    seen = new Map();
    constructor(deps) {
        this.deps = deps;
    }
    /** @returns the principal, `Unauthenticated` with a safe reason, or `DatabaseUnavailable`. */
    execute(token) {
        return this.deps.verifier
            .verify(token)
            .mapErr((e) => ({
            type: 'Unauthenticated',
            reason: `invalid session token: ${e.reason}`,
        }))
            .andThen((identity) => {
            const principal = {
                userId: identity.userId,
                role: identity.role,
                scopes: identity.role === 'admin' ? ['jobs', 'admin'] : ['jobs'],
                via: 'session',
            };
            const now = this.deps.clock.now();
            const fingerprint = `${identity.email ?? ''}|${identity.role}`;
            const last = this.seen.get(identity.userId);
            if (last && last.fingerprint === fingerprint && now.getTime() - last.at < UPSERT_INTERVAL_MS)
                return okAsync(principal);
            return this.deps.users
                .upsert({ id: identity.userId, email: identity.email, role: identity.role, now })
                .map(() => {
                this.remember(identity.userId, now.getTime(), fingerprint);
                return principal;
            });
        });
    }
    remember(userId, at, fingerprint) {
        this.seen.delete(userId);
        this.seen.set(userId, { at, fingerprint });
        if (this.seen.size > MAX_REMEMBERED) {
            const oldest = this.seen.keys().next();
            if (!oldest.done)
                this.seen.delete(oldest.value);
        }
    }
}
//# sourceMappingURL=authenticate-session.js.map