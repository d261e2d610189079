import { createPublicKey } from 'node:crypto';
const PUBLISHABLE_KEY = /^pk_(test|live)_([A-Za-z0-9+/=_-]+)$/;
const SECRET_KEY_KIND = /^sk_(test|live)_/;
const CLAIM_PATH = /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*$/;
/**
 * Undoes the usual damage of putting a PEM in an environment variable: literal `\n` sequences
 * become newlines and surrounding whitespace (or quotes) is removed.
 */
export function normalizePem(pem) {
    return pem
        .trim()
        .replace(/^["']|["']$/g, '')
        .replace(/\\r\\n|\\n|\\r/g, '\n')
        .trim();
}
/**
 * Checks Clerk settings without any network access and lists every problem at once (empty when
 * the settings are usable). Each problem starts with the environment variable it concerns, e.g.
 * `CLERK_ISSUER: must be an https URL`. Never echoes a secret.
 *
 * Checked: publishable key format (`pk_test_`/`pk_live_` + base64 of `<frontend-api-host>$`, the
 * format `@clerk/fastify` requires or every request fails); a non-empty secret key when one is
 * given (and of the same instance type as the publishable key); that `jwtKey` is a PEM SPKI
 * public key that `node:crypto` parses as RSA-2048 with exponent 65537 (the only keys Clerk's
 * networkless loader handles), and not a private key; that the issuer is an https origin; that
 * there is at least one authorized party and each is an origin (`scheme://host[:port]`); that the
 * admin claim is a dotted path outside the user-writable `unsafe_metadata`.
 */
export function validateClerkSettings(settings) {
    const problems = [];
    const instance = checkPublishableKey(settings.publishableKey, problems);
    checkSecretKey(settings.secretKey, instance, problems);
    problems.push(...jwtKeyProblems(settings.jwtKey).map((p) => `CLERK_JWT_KEY: ${p}`));
    checkIssuer(settings.issuer, problems);
    checkAuthorizedParties(settings.authorizedParties, problems);
    checkAdminClaim(settings.adminClaim, problems);
    return problems;
}
/** Problems with a PEM public key for Clerk's networkless verification (no variable name prefix). */
export function jwtKeyProblems(jwtKey) {
    const pem = normalizePem(jwtKey);
    if (pem === '')
        return ['must not be empty'];
    if (/PRIVATE KEY/.test(pem))
        return [
            'is a private key: use the PEM *public* key from the Clerk dashboard (API keys -> JWT public key)',
        ];
    if (!/^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----$/.test(pem))
        return ['must be a PEM public key (-----BEGIN PUBLIC KEY----- ... -----END PUBLIC KEY-----)'];
    let details;
    try {
        const key = createPublicKey({ key: pem, format: 'pem' });
        if (key.asymmetricKeyType !== 'rsa')
            return [`must be an RSA public key, got ${key.asymmetricKeyType ?? 'an unknown key type'}`];
        details = key.asymmetricKeyDetails;
    }
    catch {
        return ['is not a parsable PEM public key'];
    }
    const problems = [];
    if (details?.modulusLength !== 2048)
        problems.push(`must be a 2048-bit RSA key (Clerk's loader), got ${details?.modulusLength ?? '?'} bits`);
    if (details?.publicExponent !== 65537n)
        problems.push('must use the public exponent 65537');
    return problems;
}
/** Normalizes an issuer URL for comparison with `iss` (no trailing slash). */
export function normalizeIssuer(issuer) {
    return issuer.trim().replace(/\/+$/, '');
}
function checkPublishableKey(key, problems) {
    if (key === undefined)
        return null;
    const m = PUBLISHABLE_KEY.exec(key.trim());
    const kind = m?.[1];
    const encoded = m?.[2];
    if (kind === undefined || encoded === undefined) {
        problems.push('CLERK_PUBLISHABLE_KEY: must look like pk_test_... or pk_live_...');
        return null;
    }
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const host = decoded.slice(0, -1);
    if (!decoded.endsWith('$') || host.includes('$') || !host.includes('.')) {
        problems.push('CLERK_PUBLISHABLE_KEY: is not a valid Clerk publishable key (its encoded host does not decode)');
        return null;
    }
    return kind === 'live' ? 'live' : 'test';
}
function checkSecretKey(key, instance, problems) {
    if (key === undefined)
        return;
    if (key.trim() === '') {
        problems.push('CLERK_SECRET_KEY: must not be empty when set');
        return;
    }
    const kind = SECRET_KEY_KIND.exec(key.trim())?.[1];
    if (instance !== null && kind !== undefined && kind !== instance)
        problems.push(`CLERK_SECRET_KEY: is a ${kind} key but CLERK_PUBLISHABLE_KEY is a ${instance} key (different instances)`);
}
function checkIssuer(issuer, problems) {
    const url = parseUrl(issuer.trim());
    if (url === null || url.protocol !== 'https:') {
        problems.push('CLERK_ISSUER: must be an https URL (the Frontend API, e.g. https://clerk.example.com)');
        return;
    }
    if (url.origin !== normalizeIssuer(issuer))
        problems.push('CLERK_ISSUER: must be an origin without path, query or fragment (e.g. https://clerk.example.com)');
}
function checkAuthorizedParties(parties, problems) {
    if (parties.length === 0) {
        problems.push('CLERK_AUTHORIZED_PARTIES: list at least one origin (without it a session token minted for any site is accepted)');
        return;
    }
    for (const party of parties) {
        const url = parseUrl(party);
        if (url === null || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== party)
            problems.push(`CLERK_AUTHORIZED_PARTIES: ${JSON.stringify(party)} is not an origin (scheme://host[:port], no path or trailing slash)`);
    }
}
function checkAdminClaim(claim, problems) {
    if (claim === undefined)
        return;
    if (!CLAIM_PATH.test(claim)) {
        problems.push('CLERK_ADMIN_CLAIM: must be a dotted claim path such as metadata.role');
        return;
    }
    if (claim.split('.')[0] === 'unsafe_metadata')
        problems.push('CLERK_ADMIN_CLAIM: unsafe_metadata is writable by the user and cannot grant admin');
}
function parseUrl(value) {
    try {
        return new URL(value);
    }
    catch {
        return null;
    }
}
//# sourceMappingURL=clerk-settings.js.map