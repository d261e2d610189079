import { ResultAsync } from 'neverthrow';
import { TERMINAL_STATUSES } from '../domain/job.js';
const PAGE = 100;
/**
 * Retention (DESIGN §6), run on a schedule by the worker process:
 * 1. deletes finished jobs (completed, failed, cancelled) whose `finishedAt` is older than the
 *    retention age: their stored files (`{prefix}/{owner}/{jobId}/`), the row (conditional on the
 *    version read) and their log;
 * 2. deletes orphaned objects older than the grace period: keys `{prefix}/{owner}/{jobId}/...` whose
 *    job is gone, belongs to someone else, or does not reference them (not its result, and not the
 *    folder of the attempt running now), and `{prefix}/{owner}/uploads/{id}` whose upload is gone;
 * 3. removes stale render scratch directories.
 * Every step runs even when another failed; a failure is reported, never thrown. Idempotent, so
 * several worker processes may run it at once.
 */
export class PurgeExpiredData {
    deps;
    constructor(deps) {
        this.deps = deps;
    }
    execute() {
        const run = async () => {
            const failures = [];
            const expired = await this.purgeExpiredJobs(failures);
            const orphaned = await this.purgeOrphanedObjects(failures);
            const now = this.deps.clock.now();
            const scratch = await this.deps.scratch.removeOlderThan(new Date(now.getTime() - this.deps.settings.scratchMaxAgeMs));
            if (scratch.isErr())
                failures.push(`scratch: ${scratch.error.message}`);
            const report = {
                expiredJobs: expired.jobs,
                expiredJobObjects: expired.objects,
                orphanedObjects: orphaned,
                staleScratchDirectories: scratch.isOk() ? scratch.value : 0,
                failures,
            };
            if (failures.length > 0)
                this.deps.logger.warn({ ...report }, 'retention purge incomplete');
            else if (report.expiredJobs + report.orphanedObjects + report.staleScratchDirectories > 0)
                this.deps.logger.info({ ...report }, 'retention purge');
            return report;
        };
        return ResultAsync.fromSafePromise(run());
    }
    async purgeExpiredJobs(failures) {
        const { jobs, events, storage, clock, settings } = this.deps;
        const cutoff = new Date(clock.now().getTime() - settings.retentionMs);
        let deletedJobs = 0;
        let deletedObjects = 0;
        let cursor;
        do {
            // finishedAt >= createdAt, so every expired job was created before the cutoff.
            const page = await jobs.list({
                ownerId: null,
                statuses: TERMINAL_STATUSES,
                createdBefore: cutoff,
                sort: 'asc',
                limit: PAGE,
                ...(cursor !== undefined ? { cursor } : {}),
            });
            if (page.isErr()) {
                failures.push(`expired jobs: ${page.error.type}`);
                break;
            }
            for (const job of page.value.items) {
                if (job.finishedAt === null || job.finishedAt.getTime() >= cutoff.getTime())
                    continue;
                const removed = await storage.deletePrefix(jobPrefix(settings.storagePrefix, job));
                if (removed.isErr()) {
                    failures.push(`expired job ${job.id}: ${removed.error.message}`);
                    continue;
                }
                deletedObjects += removed.value;
                // Conditional on the version read: a job retried meanwhile is kept (its files go anyway;
                // a finished job's result is gone only if it was retried, and a retry clears it).
                const deleted = await jobs.delete(job.id, job.version);
                if (deleted.isErr())
                    continue;
                await events.deleteForJob(job.id);
                deletedJobs += 1;
            }
            cursor = page.value.nextCursor ?? undefined;
        } while (cursor !== undefined);
        return { jobs: deletedJobs, objects: deletedObjects };
    }
    async purgeOrphanedObjects(failures) {
        const { jobs, uploads, storage, clock, settings } = this.deps;
        const root = `${settings.storagePrefix}/`;
        const listed = await storage.list(root);
        if (listed.isErr()) {
            failures.push(`orphans: ${listed.error.message}`);
            return 0;
        }
        const byJob = new Map();
        const byUpload = new Map();
        for (const key of listed.value) {
            const [ownerId, second, third] = key.slice(root.length).split('/');
            if (ownerId === undefined || second === undefined || second === '')
                continue;
            if (second === 'uploads') {
                if (third === undefined || third === '')
                    continue;
                byUpload.set(third, [...(byUpload.get(third) ?? []), key]);
            }
            else {
                const entry = byJob.get(second) ?? { ownerId, keys: [] };
                entry.keys.push(key);
                byJob.set(second, entry);
            }
        }
        const candidates = [];
        for (const [jobId, { ownerId, keys }] of byJob) {
            const found = await jobs.findById(jobId);
            if (found.isErr() && found.error.type === 'DatabaseUnavailable') {
                failures.push(`orphans: ${found.error.message}`);
                return 0;
            }
            const job = found.isOk() ? found.value : null;
            for (const key of keys)
                if (!referencedBy(job, ownerId, key, settings.storagePrefix))
                    candidates.push(key);
        }
        if (byUpload.size > 0) {
            const known = await uploads.findByIds([...byUpload.keys()]);
            if (known.isErr())
                failures.push(`orphaned uploads: ${known.error.message}`);
            else {
                const keep = new Set(known.value.map((u) => u.storageKey));
                for (const keys of byUpload.values())
                    candidates.push(...keys.filter((k) => !keep.has(k)));
            }
        }
        const cutoff = clock.now().getTime() - settings.orphanGraceMs;
        let deleted = 0;
        for (const key of candidates) {
            const info = await storage.head(key);
            if (info.isErr())
                continue;
            if (info.value.lastModified.getTime() >= cutoff)
                continue;
            const removed = await storage.delete(key);
            if (removed.isErr())
                failures.push(`orphan ${key}: ${removed.error.message}`);
            else
                deleted += 1;
        }
        return deleted;
    }
}
const jobPrefix = (storagePrefix, job) => `${storagePrefix}/${job.ownerId}/${job.id}/`;
/**
 * Whether `key` (stored under `{prefix}/{ownerId}/{job.id}/`) belongs to the job: one of its
 * result's files, or in the folder of the attempt running now (its upload may be under way).
 */
function referencedBy(job, ownerId, key, storagePrefix) {
    if (job === null || job.ownerId !== ownerId)
        return false;
    if (job.result !== null) {
        const { videoKey, thumbnailKey, subtitlesKey } = job.result;
        if (key === videoKey || key === thumbnailKey || key === subtitlesKey)
            return true;
    }
    return (job.status === 'processing' && key.startsWith(`${jobPrefix(storagePrefix, job)}attempt-${job.attempts}/`));
}
//# sourceMappingURL=purge-expired-data.js.map