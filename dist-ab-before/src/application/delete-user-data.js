import { errAsync, ResultAsync } from 'neverthrow';
import { isAdmin } from '../domain/principal.js';
import { recordAudit } from './record-audit.js';
const PAGE = 100;
/** Re-reads of a job whose version changed under the delete (a worker's heartbeat). */
const DELETE_TRIES = 10;
class Stop {
    error;
    constructor(error) {
        this.error = error;
    }
}
/**
 * An admin deletes all of a user's data (`DELETE /system/users/{userId}/data`): every job (in any
 * status: a running job's worker sees its job gone within a second and stops, storing nothing
 * that stays — a late file becomes an orphan the retention sweep removes) with its log, every
 * stored object under `{prefix}/{userId}/`, every upload record and saved configuration. The
 * user's account and API keys remain. Idempotent: after an outage, calling again finishes the
 * work. Records a `user.data-deleted` audit row with the counts.
 */
export class DeleteUserData {
    deps;
    constructor(deps) {
        this.deps = deps;
    }
    /** @returns the counts; `Forbidden` unless the caller is an admin; an outage as its error. */
    execute(input) {
        if (!isAdmin(input.principal))
            return errAsync({
                type: 'Forbidden',
                reason: 'Deleting a user’s data needs the admin role or the admin scope.',
            });
        const run = async () => {
            const deletedJobs = await this.deleteJobs(input.userId);
            const objects = await this.deps.storage.deletePrefix(`${this.deps.settings.storagePrefix}/${input.userId}/`);
            if (objects.isErr())
                throw new Stop(objects.error);
            const deletedUploads = await this.deleteUploads(input.userId);
            const deletedConfigurations = await this.deleteConfigurations(input.userId);
            const result = {
                userId: input.userId,
                deletedJobs,
                deletedObjects: objects.value,
                deletedUploads,
                deletedConfigurations,
            };
            await recordAudit(this.deps.audit, this.deps.logger, {
                actorId: input.principal.userId,
                action: 'user.data-deleted',
                targetType: 'user',
                targetId: input.userId,
                detail: { ...result },
                at: this.deps.clock.now(),
                ...(input.requestId !== undefined ? { requestId: input.requestId } : {}),
            });
            return result;
        };
        return ResultAsync.fromPromise(run(), (error) => {
            if (error instanceof Stop)
                return error.error;
            throw error;
        });
    }
    async deleteJobs(userId) {
        const { jobs, events } = this.deps;
        const all = [];
        let cursor;
        do {
            const page = await jobs.list({
                ownerId: userId,
                sort: 'asc',
                limit: PAGE,
                ...(cursor !== undefined ? { cursor } : {}),
            });
            if (page.isErr()) {
                if (page.error.type === 'DatabaseUnavailable')
                    throw new Stop(page.error);
                throw new Error(`listing jobs: ${page.error.type}`);
            }
            all.push(...page.value.items);
            cursor = page.value.nextCursor ?? undefined;
        } while (cursor !== undefined);
        let deleted = 0;
        for (const job of all) {
            let version = job.version;
            for (let i = 0; i < DELETE_TRIES; i += 1) {
                const removed = await jobs.delete(job.id, version);
                if (removed.isOk()) {
                    deleted += 1;
                    break;
                }
                if (removed.error.type === 'JobNotFound')
                    break;
                if (removed.error.type === 'DatabaseUnavailable')
                    throw new Stop(removed.error);
                const current = await jobs.findById(job.id);
                if (current.isErr()) {
                    if (current.error.type === 'DatabaseUnavailable')
                        throw new Stop(current.error);
                    break;
                }
                version = current.value.version;
            }
            const log = await events.deleteForJob(job.id);
            if (log.isErr())
                throw new Stop(log.error);
        }
        return deleted;
    }
    async deleteUploads(userId) {
        let deleted = 0;
        for (;;) {
            // Always the first page: what was deleted is gone from it.
            const page = await this.deps.uploads.list({ ownerId: userId, limit: PAGE });
            if (page.isErr()) {
                if (page.error.type === 'DatabaseUnavailable')
                    throw new Stop(page.error);
                throw new Error(`listing uploads: ${page.error.type}`);
            }
            if (page.value.items.length === 0)
                return deleted;
            for (const upload of page.value.items) {
                const removed = await this.deps.uploads.delete(upload.id);
                if (removed.isErr() && removed.error.type === 'DatabaseUnavailable')
                    throw new Stop(removed.error);
                if (removed.isOk())
                    deleted += 1;
            }
        }
    }
    async deleteConfigurations(userId) {
        let deleted = 0;
        for (;;) {
            const page = await this.deps.configurations.list({ ownerId: userId, limit: PAGE });
            if (page.isErr()) {
                if (page.error.type === 'DatabaseUnavailable')
                    throw new Stop(page.error);
                throw new Error(`listing configurations: ${page.error.type}`);
            }
            if (page.value.items.length === 0)
                return deleted;
            for (const configuration of page.value.items) {
                const removed = await this.deps.configurations.delete(configuration.id);
                if (removed.isErr() && removed.error.type === 'DatabaseUnavailable')
                    throw new Stop(removed.error);
                if (removed.isOk())
                    deleted += 1;
            }
        }
    }
}
//# sourceMappingURL=delete-user-data.js.map