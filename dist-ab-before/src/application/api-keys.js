import { createHash, randomBytes } from 'node:crypto';
/** Prefix of keys Framecast generates, so they are recognisable in logs and secret scanners. */
export const API_KEY_PREFIX = 'fc_';
/** Hex SHA-256 of an API key: what is stored and looked up. */
export const hashApiKey = (key) => createHash('sha256').update(key, 'utf8').digest('hex');
/** A new random API key: `fc_` + 32 base64url characters (192 bits). */
export const generateApiKey = () => API_KEY_PREFIX + randomBytes(24).toString('base64url');
/** The part of a key shown to humans (never enough to use it). */
export const displayPrefix = (key) => key.slice(0, Math.min(10, Math.floor(key.length / 3)));
//# sourceMappingURL=api-keys.js.map