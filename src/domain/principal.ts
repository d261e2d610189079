/** Who is calling: an authenticated user (through a Clerk session or an API key). */
export interface Principal {
  readonly userId: string;
  readonly role: 'user' | 'admin';
  /** API-key scopes; a Clerk session has every scope of its role. */
  readonly scopes: readonly string[];
  readonly via: 'api-key' | 'session';
  /** Id of the API key used, when `via` is `api-key`. */
  readonly keyId?: string;
}

export const isAdmin = (p: Principal): boolean => p.role === 'admin' || p.scopes.includes('admin');

/**
 * Whether `p` may see a resource owned by `ownerId`. Owners see their own; admins use the
 * `/system` routes to see everyone's, so ordinary routes answer 404 for others' resources.
 */
export const owns = (p: Principal, ownerId: string): boolean => p.userId === ownerId;
