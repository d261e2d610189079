import { databaseUnavailable } from '../../ports/errors.js';
/**
 * SQLSTATE classes that mean the caller sent something the schema refuses: a bug, not an
 * outage. 22 data exception (bad value), 23 integrity constraint violation (duplicate id,
 * unknown job of an event), 42 syntax error or undefined object.
 */
const PROGRAMMER_ERROR_CLASSES = new Set(['22', '23', '42']);
const sqlState = (cause) => {
    const code = cause?.code;
    return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
};
/**
 * Error mapper for `ResultAsync.fromPromise`: an infrastructure failure (connection refused or
 * lost, timeout, server shutting down, too many connections, serialization failure...) becomes
 * `DatabaseUnavailable`. A programmer error (the SQLSTATE classes above) is thrown again, so the
 * returned `ResultAsync` rejects (DESIGN §1: adapters throw only for programmer errors).
 */
export function toDatabaseUnavailable(cause) {
    const state = sqlState(cause);
    if (state !== undefined && PROGRAMMER_ERROR_CLASSES.has(state.slice(0, 2)))
        throw cause;
    return databaseUnavailable(cause);
}
//# sourceMappingURL=database-error.js.map