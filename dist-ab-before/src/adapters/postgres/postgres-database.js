import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
const INT8_OID = 20;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** int8 (count(*), bigint columns) as a JS number, as PGlite returns it; pg returns strings by default. */
const types = {
    getTypeParser: ((oid, format) => oid === INT8_OID && format !== 'binary'
        ? (value) => Number(value)
        : pg.types.getTypeParser(oid, format ?? 'text')),
};
function searchPathOption(searchPath) {
    const schemas = searchPath.split(',').map((s) => s.trim());
    if (schemas.some((s) => !IDENTIFIER.test(s)))
        throw new Error(`searchPath must list plain identifiers separated by commas, got "${searchPath}"`);
    return `-c search_path=${schemas.join(',')}`;
}
/**
 * Opens a pg connection pool behind Kysely. Connections are made lazily (the first query
 * connects), so this does not fail when the server is down: check with a repository's `ping()`.
 * Run {@link migrateToLatest} before use.
 *
 * @throws Error for invalid options (poolMax < 1, malformed searchPath).
 */
export async function createPostgresDatabase(options) {
    if (!Number.isInteger(options.poolMax) || options.poolMax < 1)
        throw new Error(`poolMax must be a positive integer, got ${options.poolMax}`);
    const pool = new pg.Pool({
        connectionString: options.connectionString,
        max: options.poolMax,
        connectionTimeoutMillis: options.connectionTimeoutMs,
        statement_timeout: options.statementTimeoutMs,
        types,
        ...(options.searchPath !== undefined ? { options: searchPathOption(options.searchPath) } : {}),
    });
    const onIdleError = options.onIdleError ?? (() => undefined);
    // Without a listener an idle connection's error would crash the process.
    pool.on('error', (error) => onIdleError(error));
    const db = new Kysely({ dialect: new PostgresDialect({ pool }) });
    let closing = null;
    return {
        db,
        kind: 'postgres',
        pool,
        close() {
            closing ??= db.destroy();
            return closing;
        },
    };
}
//# sourceMappingURL=postgres-database.js.map