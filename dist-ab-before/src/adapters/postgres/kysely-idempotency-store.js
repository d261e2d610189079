import { ResultAsync } from 'neverthrow';
import { toDatabaseUnavailable } from './database-error.js';
/** Claim attempts when the record seen as conflicting vanishes before it is read (released meanwhile). */
const CLAIM_TRIES = 5;
const isStringRecord = (v) => typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    Object.values(v).every((x) => typeof x === 'string');
/** Row -> record, field by field; a row that breaks the schema's invariants is thrown (a bug). */
function rowToRecord(row) {
    if (row.state !== 'in_progress' && row.state !== 'completed')
        throw new Error(`idempotency_keys row has an unknown state ${row.state}`);
    let response = null;
    if (row.state === 'completed') {
        const headers = row.response_headers ?? {};
        if (row.response_status === null || row.response_body === null || !isStringRecord(headers))
            throw new Error('idempotency_keys row is completed without a readable response');
        response = { status: row.response_status, body: row.response_body, headers: { ...headers } };
    }
    return {
        scope: { ownerId: row.owner_id, route: row.route, key: row.key },
        fingerprint: row.fingerprint,
        state: row.state,
        token: row.token,
        lockedAt: row.locked_at,
        response,
        createdAt: row.created_at,
        expiresAt: row.expires_at,
    };
}
/**
 * {@link IdempotencyStore} over Kysely (PostgreSQL and PGlite). A claim is one
 * `INSERT ... ON CONFLICT (owner_id, route, key) DO UPDATE ... WHERE <expired or abandoned>`:
 * the primary key makes concurrent claims of one key serialize, and exactly one inserts (or takes
 * over) the row; the others read the winner's record.
 */
export class KyselyIdempotencyStore {
    db;
    constructor(db) {
        this.db = db;
    }
    claim(claim) {
        const { scope } = claim;
        const run = async () => {
            for (let i = 0; i < CLAIM_TRIES; i += 1) {
                const claimed = await this.db
                    .insertInto('idempotency_keys')
                    .values({
                    owner_id: scope.ownerId,
                    route: scope.route,
                    key: scope.key,
                    fingerprint: claim.fingerprint,
                    state: 'in_progress',
                    token: claim.token,
                    locked_at: claim.now,
                    response_status: null,
                    response_headers: null,
                    response_body: null,
                    created_at: claim.now,
                    expires_at: claim.expiresAt,
                })
                    .onConflict((oc) => oc
                    .columns(['owner_id', 'route', 'key'])
                    .doUpdateSet((eb) => ({
                    fingerprint: eb.ref('excluded.fingerprint'),
                    state: eb.ref('excluded.state'),
                    token: eb.ref('excluded.token'),
                    locked_at: eb.ref('excluded.locked_at'),
                    response_status: null,
                    response_headers: null,
                    response_body: null,
                    created_at: eb.ref('excluded.created_at'),
                    expires_at: eb.ref('excluded.expires_at'),
                }))
                    .where((eb) => eb.or([
                    eb('idempotency_keys.expires_at', '<=', claim.now),
                    eb.and([
                        eb('idempotency_keys.state', '=', 'in_progress'),
                        eb('idempotency_keys.locked_at', '<', claim.staleBefore),
                    ]),
                ])))
                    .returning('token')
                    .executeTakeFirst();
                if (claimed !== undefined)
                    return { kind: 'claimed' };
                const existing = await this.select(scope);
                if (existing !== undefined)
                    return { kind: 'existing', record: rowToRecord(existing) };
            }
            throw new Error(`idempotency key claim did not settle after ${CLAIM_TRIES} tries`);
        };
        return ResultAsync.fromPromise(run(), toDatabaseUnavailable);
    }
    complete(scope, token, response) {
        return ResultAsync.fromPromise(this.db
            .updateTable('idempotency_keys')
            .set({
            state: 'completed',
            response_status: response.status,
            response_headers: JSON.stringify(response.headers),
            response_body: response.body,
        })
            .where('owner_id', '=', scope.ownerId)
            .where('route', '=', scope.route)
            .where('key', '=', scope.key)
            .where('state', '=', 'in_progress')
            .where('token', '=', token)
            .returning('token')
            .executeTakeFirst(), toDatabaseUnavailable).map((row) => row !== undefined);
    }
    release(scope, token) {
        return ResultAsync.fromPromise(this.db
            .deleteFrom('idempotency_keys')
            .where('owner_id', '=', scope.ownerId)
            .where('route', '=', scope.route)
            .where('key', '=', scope.key)
            .where('state', '=', 'in_progress')
            .where('token', '=', token)
            .returning('token')
            .executeTakeFirst(), toDatabaseUnavailable).map((row) => row !== undefined);
    }
    find(scope) {
        return ResultAsync.fromPromise(this.select(scope), toDatabaseUnavailable).map((row) => row === undefined ? null : rowToRecord(row));
    }
    purgeExpired(now) {
        return ResultAsync.fromPromise(this.db.deleteFrom('idempotency_keys').where('expires_at', '<=', now).returning('key').execute(), toDatabaseUnavailable).map((rows) => rows.length);
    }
    select(scope) {
        return this.db
            .selectFrom('idempotency_keys')
            .selectAll()
            .where('owner_id', '=', scope.ownerId)
            .where('route', '=', scope.route)
            .where('key', '=', scope.key)
            .executeTakeFirst();
    }
}
//# sourceMappingURL=kysely-idempotency-store.js.map