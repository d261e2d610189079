import type { ResultAsync } from 'neverthrow';
import type { DatabaseUnavailable } from './errors.js';

/** Where an idempotency key applies: one caller, one operation, one key. */
export interface IdempotencyScope {
  readonly ownerId: string;
  /** The operation, e.g. `POST /videos/generate`. */
  readonly route: string;
  readonly key: string;
}

/** A finished operation's answer, kept to be replayed: status, body as JSON text, headers. */
export interface RecordedResponse {
  readonly status: number;
  /** The body exactly as answered (JSON text). */
  readonly body: string;
  /** Headers to answer again (lower-case names), e.g. `location`, `content-type`. */
  readonly headers: Readonly<Record<string, string>>;
}

/** A stored key: `in_progress` while its first request runs, then `completed` with the response. */
export interface IdempotencyRecord {
  readonly scope: IdempotencyScope;
  /** SHA-256 (hex) of the canonical request body the key was first used with. */
  readonly fingerprint: string;
  readonly state: 'in_progress' | 'completed';
  /** Identifies the claim of the request holding the key while `in_progress`. */
  readonly token: string;
  readonly lockedAt: Date;
  readonly response: RecordedResponse | null;
  readonly createdAt: Date;
  /** After this instant the key is forgotten (reusable, and purged). */
  readonly expiresAt: Date;
}

export interface IdempotencyClaim {
  readonly scope: IdempotencyScope;
  readonly fingerprint: string;
  /** Random token naming this claim; `complete` and `release` must present it. */
  readonly token: string;
  readonly now: Date;
  readonly expiresAt: Date;
  /**
   * An `in_progress` record locked before this instant is abandoned (its process died) and
   * may be taken over.
   */
  readonly staleBefore: Date;
}

/** Outcome of a claim: this caller holds the key now, or someone already did (the stored record). */
export type ClaimOutcome =
  { readonly kind: 'claimed' } | { readonly kind: 'existing'; readonly record: IdempotencyRecord };

/**
 * Idempotency keys (Stripe semantics): the first request with a key claims it atomically, the
 * response is stored when it finishes, repeats read it back. Keys are unique per scope.
 */
export interface IdempotencyStore {
  /**
   * Claims the key in one atomic step: a new record `in_progress` with `claim.token`. A record
   * that expired, or is `in_progress` and locked before `staleBefore`, is taken over the same way.
   * Of concurrent claims of one scope exactly one gets `claimed`.
   * @returns `claimed`, or the existing record.
   */
  claim(claim: IdempotencyClaim): ResultAsync<ClaimOutcome, DatabaseUnavailable>;

  /**
   * Stores the response of the request holding the claim `token` (state `completed`).
   * @returns `false` when the claim is no longer held (taken over or released): nothing changed.
   */
  complete(
    scope: IdempotencyScope,
    token: string,
    response: RecordedResponse,
  ): ResultAsync<boolean, DatabaseUnavailable>;

  /**
   * Deletes the `in_progress` record held by `token` (its request failed), so the key can be
   * used again. @returns `false` when the claim was not held.
   */
  release(scope: IdempotencyScope, token: string): ResultAsync<boolean, DatabaseUnavailable>;

  /** The record of `scope` (expired or not), or `null`. */
  find(scope: IdempotencyScope): ResultAsync<IdempotencyRecord | null, DatabaseUnavailable>;

  /** Deletes every record that expired at or before `now`. @returns how many were deleted. */
  purgeExpired(now: Date): ResultAsync<number, DatabaseUnavailable>;
}
