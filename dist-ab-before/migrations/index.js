import * as initial from './2026-11-21T0000-initial.js';
import * as auditLogAndJobListing from './2026-11-21T0100-audit-log-and-job-listing.js';
import * as batchesAndIdempotencyKeys from './2026-11-21T0200-batches-and-idempotency-keys.js';
import * as uploadsAndConfigurations from './2026-11-21T0300-uploads-and-configurations.js';
import * as webhookDeliveries from './2026-11-21T0400-webhook-deliveries.js';
/**
 * Every migration by name, in the order they run (Kysely's `Migrator` sorts names, which are
 * timestamps). Listed by hand so the provider needs no file-system globbing and works the same
 * from `tsx` and from the compiled `dist/`. Add each new migration file here.
 */
export const migrations = {
    '2026-11-21T0000-initial': initial,
    '2026-11-21T0100-audit-log-and-job-listing': auditLogAndJobListing,
    '2026-11-21T0200-batches-and-idempotency-keys': batchesAndIdempotencyKeys,
    '2026-11-21T0300-uploads-and-configurations': uploadsAndConfigurations,
    '2026-11-21T0400-webhook-deliveries': webhookDeliveries,
};
//# sourceMappingURL=index.js.map