import { createHash } from 'node:crypto';
import { setTimeout as sleepMs } from 'node:timers/promises';
import { err, ok, ResultAsync, type Result } from 'neverthrow';
import { canonicalJson } from '../domain/video-spec.js';
import type { Clock } from '../ports/clock.js';
import type { DatabaseUnavailable } from '../ports/errors.js';
import type { IdGenerator } from '../ports/id-generator.js';
import type { IdempotencyScope, IdempotencyStore, RecordedResponse } from '../ports/idempotency-store.js';
import type { Logger } from '../ports/logger.js';

/** An idempotency key: 1–255 printable ASCII characters (space to tilde). */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x20-\x7E]{1,255}$/;

/** The `Idempotency-Key` value is empty, too long or not printable ASCII. */
export interface InvalidIdempotencyKey {
  readonly type: 'InvalidIdempotencyKey';
  readonly reason: string;
}

/** The key was first used with another request body (Stripe: keys are not reusable). */
export interface IdempotencyKeyReused {
  readonly type: 'IdempotencyKeyReused';
  readonly key: string;
}

/** The first request with this key was still running after waiting `waitedMs` for it. */
export interface IdempotencyKeyInProgress {
  readonly type: 'IdempotencyKeyInProgress';
  readonly key: string;
  readonly waitedMs: number;
}

export type IdempotencyError =
  InvalidIdempotencyKey | IdempotencyKeyReused | IdempotencyKeyInProgress | DatabaseUnavailable;

export interface IdempotentRequest {
  readonly ownerId: string;
  /** The operation, e.g. `POST /videos/generate`; keys of different operations never meet. */
  readonly route: string;
  readonly key: string;
  /** The request body (any JSON value); its canonical form's SHA-256 is the fingerprint. */
  readonly body: unknown;
}

export interface IdempotentOutcome {
  readonly response: RecordedResponse;
  /** `true` when `response` is the stored answer of an earlier request with the key. */
  readonly replayed: boolean;
}

export interface IdempotencySettings {
  /** How long a key is remembered, in ms (at least 24 h). */
  readonly ttlMs: number;
  /** How long a duplicate waits for the first request to finish, in ms (e.g. 10 000). */
  readonly waitMs: number;
  /** An `in_progress` key locked longer than this (ms) is abandoned and may be taken over. */
  readonly staleAfterMs: number;
  /** First and largest pause between polls of a key in progress, in ms. */
  readonly pollInitialMs: number;
  readonly pollMaxMs: number;
}

export const DEFAULT_IDEMPOTENCY_SETTINGS: IdempotencySettings = {
  ttlMs: 24 * 60 * 60 * 1000,
  waitMs: 10_000,
  staleAfterMs: 60_000,
  pollInitialMs: 5,
  pollMaxMs: 200,
};

/** SHA-256 (hex) of the canonical JSON (sorted keys) of `body`. */
export function fingerprintOf(body: unknown): string {
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
  private readonly settings: IdempotencySettings;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly deps: {
      readonly store: IdempotencyStore;
      readonly clock: Clock;
      readonly ids: IdGenerator;
      readonly logger: Logger;
      readonly settings?: Partial<IdempotencySettings>;
      /** Pauses between polls (tests may pass a fake); default real timers. */
      readonly sleep?: (ms: number) => Promise<void>;
    },
  ) {
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
  execute(
    request: IdempotentRequest,
    run: () => Promise<RecordedResponse>,
  ): ResultAsync<IdempotentOutcome, IdempotencyError> {
    if (!IDEMPOTENCY_KEY_PATTERN.test(request.key)) {
      return new ResultAsync(
        Promise.resolve(
          err({
            type: 'InvalidIdempotencyKey' as const,
            reason: 'must be 1 to 255 printable ASCII characters',
          }),
        ),
      );
    }
    return new ResultAsync(this.attempt(request, run));
  }

  /** Forgets every key past its expiry (for the retention job). @returns how many were deleted. */
  purgeExpired(): ResultAsync<number, DatabaseUnavailable> {
    return this.deps.store.purgeExpired(this.deps.clock.now());
  }

  private async attempt(
    request: IdempotentRequest,
    run: () => Promise<RecordedResponse>,
  ): Promise<Result<IdempotentOutcome, IdempotencyError>> {
    const scope: IdempotencyScope = { ownerId: request.ownerId, route: request.route, key: request.key };
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
      if (claimed.isErr()) return err(claimed.error);
      const outcome = claimed.value;
      if (outcome.kind === 'claimed') return this.runClaimed(scope, token, run);
      const record = outcome.record;
      if (record.fingerprint !== fingerprint) return err({ type: 'IdempotencyKeyReused', key: request.key });
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

  private async runClaimed(
    scope: IdempotencyScope,
    token: string,
    run: () => Promise<RecordedResponse>,
  ): Promise<Result<IdempotentOutcome, IdempotencyError>> {
    let response: RecordedResponse;
    try {
      response = await run();
    } catch (error) {
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
      this.deps.logger.warn(
        {
          route: scope.route,
          ownerId: scope.ownerId,
          err: stored.isErr() ? stored.error.message : 'claim lost (taken over as abandoned)',
        },
        'idempotent response not stored',
      );
    }
    return ok({ response, replayed: false });
  }

  private async release(scope: IdempotencyScope, token: string): Promise<void> {
    const released = await this.deps.store.release(scope, token);
    if (released.isErr())
      this.deps.logger.warn(
        { route: scope.route, ownerId: scope.ownerId, err: released.error.message },
        'idempotency key not released; it is taken over once abandoned',
      );
  }
}
