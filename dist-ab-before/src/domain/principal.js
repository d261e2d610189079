export const isAdmin = (p) => p.role === 'admin' || p.scopes.includes('admin');
/**
 * Whether `p` may see a resource owned by `ownerId`. Owners see their own; admins use the
 * `/system` routes to see everyone's, so ordinary routes answer 404 for others' resources.
 */
export const owns = (p, ownerId) => p.userId === ownerId;
//# sourceMappingURL=principal.js.map