import type { ResultAsync } from 'neverthrow';

/** Who a verified session token says the caller is. */
export interface VerifiedIdentity {
  /** The identity provider's user id (`sub`). */
  readonly userId: string;
  readonly email: string | null;
  readonly role: 'user' | 'admin';
  /** Session id (`sid`), when the token carries one. */
  readonly sessionId: string | null;
  /** When the token stops being valid. */
  readonly expiresAt: Date;
}

/** The token is missing, malformed, expired, not yet valid, for another party or issuer, or badly signed. */
export interface InvalidToken {
  readonly type: 'InvalidToken';
  /** Short, safe reason (never the token). */
  readonly reason: string;
}

/** Verifies session tokens (JWTs) of the identity provider, without network calls. */
export interface IdentityVerifier {
  verify(token: string): ResultAsync<VerifiedIdentity, InvalidToken>;
}
