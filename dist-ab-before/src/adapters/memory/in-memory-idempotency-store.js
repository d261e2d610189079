import { ok, ResultAsync } from 'neverthrow';
/** Runs `step` on a later microtask, atomically (no await inside), like a single SQL statement. */
const later = (step) => new ResultAsync(Promise.resolve().then(step));
const keyOf = (s) => JSON.stringify([s.ownerId, s.route, s.key]);
const copy = (r) => ({
    ...r,
    scope: { ...r.scope },
    lockedAt: new Date(r.lockedAt),
    response: r.response === null ? null : { ...r.response, headers: { ...r.response.headers } },
    createdAt: new Date(r.createdAt),
    expiresAt: new Date(r.expiresAt),
});
/**
 * {@link IdempotencyStore} in memory (one process), held to the same contract as the SQL adapter.
 * Each call runs in one step, so concurrent claims of a key in this process get one winner.
 */
export class InMemoryIdempotencyStore {
    records = new Map();
    claim(claim) {
        return later(() => {
            const key = keyOf(claim.scope);
            const existing = this.records.get(key);
            const takeOver = existing !== undefined &&
                (existing.expiresAt.getTime() <= claim.now.getTime() ||
                    (existing.state === 'in_progress' && existing.lockedAt.getTime() < claim.staleBefore.getTime()));
            if (existing !== undefined && !takeOver)
                return ok({ kind: 'existing', record: copy(existing) });
            this.records.set(key, {
                scope: { ...claim.scope },
                fingerprint: claim.fingerprint,
                state: 'in_progress',
                token: claim.token,
                lockedAt: new Date(claim.now),
                response: null,
                createdAt: new Date(claim.now),
                expiresAt: new Date(claim.expiresAt),
            });
            return ok({ kind: 'claimed' });
        });
    }
    complete(scope, token, response) {
        return later(() => {
            const key = keyOf(scope);
            const held = this.records.get(key);
            if (held === undefined || held.state !== 'in_progress' || held.token !== token)
                return ok(false);
            this.records.set(key, {
                ...held,
                state: 'completed',
                response: { status: response.status, body: response.body, headers: { ...response.headers } },
            });
            return ok(true);
        });
    }
    release(scope, token) {
        return later(() => {
            const key = keyOf(scope);
            const held = this.records.get(key);
            if (held === undefined || held.state !== 'in_progress' || held.token !== token)
                return ok(false);
            this.records.delete(key);
            return ok(true);
        });
    }
    find(scope) {
        return later(() => {
            const record = this.records.get(keyOf(scope));
            return ok(record === undefined ? null : copy(record));
        });
    }
    purgeExpired(now) {
        return later(() => {
            let purged = 0;
            for (const [key, record] of this.records) {
                if (record.expiresAt.getTime() <= now.getTime()) {
                    this.records.delete(key);
                    purged += 1;
                }
            }
            return ok(purged);
        });
    }
}
//# sourceMappingURL=in-memory-idempotency-store.js.map