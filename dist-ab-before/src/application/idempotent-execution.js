import { createHash } from 'node:crypto';
import { setTimeout as sleepMs } from 'node:timers/promises';
import { err, ok, ResultAsync } from 'neverthrow';
import { canonicalJson } from '../domain/video-spec.js';
/** An idempotency key: 1–255 printable ASCII characters (space to tilde). */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x20-\x7E]{1,255}$/;
export const DEFAULT_IDEMPOTENCY_SETTINGS = {
    ttlMs: 24 * 60 * 60 * 1000,
    waitMs: 10_000,
    staleAfterMs: 60_000,
    pollInitialMs: 5,
    pollMaxMs: 200,
};
/** SHA-256 (hex) of the canonical JSON (sorted keys) of `body`. */
export function fingerprintOf(body) {
    return createHash('sha256')
        .update(canonicalJson(body ?? null))
        .digest('hex');
}
/**
 * Runs an operation at most once per idempotency key (Stripe semantics). The first request
 * claims the key atomically (state `in_progress`, with the body's fingerprint); its response is
 * stored when it finishes and answered again to every repeat with the same body. A repeat with
 * another body gets `IdempotencyKeyReused`; a repeat while the first still runs waits (polling
 * with a growing pause, at most `waitMs`) and then gets the stored response. An answer with a
 * status of 500 or more is not stored: the key is released so the request can be retried. 4xx
 * answers are stored like successes.
 */
export class IdempotentExecution {
    deps;
    settings;
    sleep;
    constructor(deps) {
        this.deps = deps;
        this.settings = { ...DEFAULT_IDEMPOTENCY_SETTINGS, ...deps.settings };
        this.sleep = deps.sleep ?? ((ms) => sleepMs(ms).then(() => undefined));
    }
    /**
     * Runs `run` under the key of `request`, or answers the stored response of an earlier run.
     * `run` must not throw for expected failures: it answers them as a response (4xx are stored).
     * If `run` throws, the key is released and the returned ResultAsync rejects with that error.
     *
     * @returns the response and whether it was replayed; `InvalidIdempotencyKey`,
     *   `IdempotencyKeyReused`, `IdempotencyKeyInProgress` (after waiting `waitMs`), or
     *   `DatabaseUnavailable` from the store.
     */
    execute(request, run) {
        if (!IDEMPOTENCY_KEY_PATTERN.test(request.key)) {
            return new ResultAsync(Promise.resolve(err({
                type: 'InvalidIdempotencyKey',
                reason: 'must be 1 to 255 printable ASCII characters',
            })));
        }
        return new ResultAsync(this.attempt(request, run));
    }
    /** Forgets every key past its expiry (for the retention job). @returns how many were deleted. */
    purgeExpired() {
        return this.deps.store.purgeExpired(this.deps.clock.now());
    }
    async attempt(request, run) {
        const scope = { ownerId: request.ownerId, route: request.route, key: request.key };
        const fingerprint = fingerprintOf(request.body);
        const { ttlMs, waitMs, staleAfterMs, pollInitialMs, pollMaxMs } = this.settings;
        let waited = 0;
        let pause = pollInitialMs;
        for (;;) {
            const now = this.deps.clock.now();
            const token = this.deps.ids.next();
            const claimed = await this.deps.store.claim({
                scope,
                fingerprint,
                token,
                now,
                expiresAt: new Date(now.getTime() + ttlMs),
                staleBefore: new Date(now.getTime() - staleAfterMs),
            });
            if (claimed.isErr())
                return err(claimed.error);
            const outcome = claimed.value;
            if (outcome.kind === 'claimed')
                return this.runClaimed(scope, token, run);
            const record = outcome.record;
            if (record.fingerprint !== fingerprint)
                return err({ type: 'IdempotencyKeyReused', key: request.key });
            if (record.state === 'completed' && record.response !== null)
                return ok({ response: record.response, replayed: true });
            if (waited >= waitMs)
                return err({ type: 'IdempotencyKeyInProgress', key: request.key, waitedMs: waited });
            const delay = Math.min(pause, waitMs - waited);
            await this.sleep(delay);
            waited += delay;
            pause = Math.min(pollMaxMs, pause * 2);
        }
    }
    async runClaimed(scope, token, run) {
        let response;
        try {
            response = await run();
        }
        catch (error) {
            await this.release(scope, token);
            throw error;
        }
        if (response.status >= 500) {
            await this.release(scope, token);
            return ok({ response, replayed: false });
        }
        const stored = await this.deps.store.complete(scope, token, response);
        if (stored.isErr() || !stored.value) {
            // The client still gets its answer; a repeat may run again (at-least-once, logged).
            this.deps.logger.warn({
                route: scope.route,
                ownerId: scope.ownerId,
                err: stored.isErr() ? stored.error.message : 'claim lost (taken over as abandoned)',
            }, 'idempotent response not stored');
        }
        return ok({ response, replayed: false });
    }
    async release(scope, token) {
        const released = await this.deps.store.release(scope, token);
        if (released.isErr())
            this.deps.logger.warn({ route: scope.route, ownerId: scope.ownerId, err: released.error.message }, 'idempotency key not released; it is taken over once abandoned');
    }
}
//# sourceMappingURL=idempotent-execution.js.map