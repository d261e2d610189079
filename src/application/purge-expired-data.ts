import { ResultAsync } from 'neverthrow';
import { TERMINAL_STATUSES, type Job } from '../domain/job.js';
import type { Clock } from '../ports/clock.js';
import type { JobEventRepository } from '../ports/job-event-repository.js';
import type { JobRepository } from '../ports/job-repository.js';
import type { Logger } from '../ports/logger.js';
import type { ObjectStorage } from '../ports/object-storage.js';
import type { ScratchSpace } from '../ports/scratch-space.js';
import type { UploadRepository } from '../ports/upload-repository.js';

export interface PurgeSettings {
  /** First segment of stored object keys (the environment). */
  readonly storagePrefix: string;
  /** Finished jobs older than this (by `finishedAt`), in ms, are deleted with their files and log. */
  readonly retentionMs: number;
  /** A stored object nothing references is deleted only once older than this, in ms (in-flight writes). */
  readonly orphanGraceMs: number;
  /** Render scratch directories older than this, in ms, are removed (a live render is minutes old). */
  readonly scratchMaxAgeMs: number;
}

/** What one purge removed; `failures` lists the steps an outage cut short (they run again next time). */
export interface PurgeReport {
  readonly expiredJobs: number;
  /** Objects of the expired jobs. */
  readonly expiredJobObjects: number;
  /** Objects no job or upload references (crashed or refused attempts, deleted jobs, lost uploads). */
  readonly orphanedObjects: number;
  readonly staleScratchDirectories: number;
  readonly failures: readonly string[];
}

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
  constructor(
    private readonly deps: {
      readonly jobs: JobRepository;
      readonly events: JobEventRepository;
      readonly storage: ObjectStorage;
      readonly uploads: UploadRepository;
      readonly scratch: ScratchSpace;
      readonly clock: Clock;
      readonly logger: Logger;
      readonly settings: PurgeSettings;
    },
  ) {}

  execute(): ResultAsync<PurgeReport, never> {
    const run = async (): Promise<PurgeReport> => {
      const failures: string[] = [];
      const expired = await this.purgeExpiredJobs(failures);
      const orphaned = await this.purgeOrphanedObjects(failures);
      const now = this.deps.clock.now();
      const scratch = await this.deps.scratch.removeOlderThan(
        new Date(now.getTime() - this.deps.settings.scratchMaxAgeMs),
      );
      if (scratch.isErr()) failures.push(`scratch: ${scratch.error.message}`);
      const report: PurgeReport = {
        expiredJobs: expired.jobs,
        expiredJobObjects: expired.objects,
        orphanedObjects: orphaned,
        staleScratchDirectories: scratch.isOk() ? scratch.value : 0,
        failures,
      };
      if (failures.length > 0) this.deps.logger.warn({ ...report }, 'retention purge incomplete');
      else if (report.expiredJobs + report.orphanedObjects + report.staleScratchDirectories > 0)
        this.deps.logger.info({ ...report }, 'retention purge');
      return report;
    };
    return ResultAsync.fromSafePromise(run());
  }

  private async purgeExpiredJobs(failures: string[]): Promise<{ jobs: number; objects: number }> {
    const { jobs, events, storage, clock, settings } = this.deps;
    const cutoff = new Date(clock.now().getTime() - settings.retentionMs);
    let deletedJobs = 0;
    let deletedObjects = 0;
    let cursor: string | undefined;
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
        if (job.finishedAt === null || job.finishedAt.getTime() >= cutoff.getTime()) continue;
        const removed = await storage.deletePrefix(jobPrefix(settings.storagePrefix, job));
        if (removed.isErr()) {
          failures.push(`expired job ${job.id}: ${removed.error.message}`);
          continue;
        }
        deletedObjects += removed.value;
        // Conditional on the version read: a job retried meanwhile is kept (its files go anyway;
        // a finished job's result is gone only if it was retried, and a retry clears it).
        const deleted = await jobs.delete(job.id, job.version);
        if (deleted.isErr()) continue;
        await events.deleteForJob(job.id);
        deletedJobs += 1;
      }
      cursor = page.value.nextCursor ?? undefined;
    } while (cursor !== undefined);
    return { jobs: deletedJobs, objects: deletedObjects };
  }

  private async purgeOrphanedObjects(failures: string[]): Promise<number> {
    const { jobs, uploads, storage, clock, settings } = this.deps;
    const root = `${settings.storagePrefix}/`;
    const listed = await storage.list(root);
    if (listed.isErr()) {
      failures.push(`orphans: ${listed.error.message}`);
      return 0;
    }
    const byJob = new Map<string, { ownerId: string; keys: string[] }>();
    const byUpload = new Map<string, string[]>();
    for (const key of listed.value) {
      const [ownerId, second, third] = key.slice(root.length).split('/');
      if (ownerId === undefined || second === undefined || second === '') continue;
      if (second === 'uploads') {
        if (third === undefined || third === '') continue;
        byUpload.set(third, [...(byUpload.get(third) ?? []), key]);
      } else {
        const entry = byJob.get(second) ?? { ownerId, keys: [] };
        entry.keys.push(key);
        byJob.set(second, entry);
      }
    }

    const candidates: string[] = [];
    for (const [jobId, { ownerId, keys }] of byJob) {
      const found = await jobs.findById(jobId);
      if (found.isErr() && found.error.type === 'DatabaseUnavailable') {
        failures.push(`orphans: ${found.error.message}`);
        return 0;
      }
      const job = found.isOk() ? found.value : null;
      for (const key of keys)
        if (!referencedBy(job, ownerId, key, settings.storagePrefix)) candidates.push(key);
    }
    if (byUpload.size > 0) {
      const known = await uploads.findByIds([...byUpload.keys()]);
      if (known.isErr()) failures.push(`orphaned uploads: ${known.error.message}`);
      else {
        const keep = new Set(known.value.map((u) => u.storageKey));
        for (const keys of byUpload.values()) candidates.push(...keys.filter((k) => !keep.has(k)));
      }
    }

    const cutoff = clock.now().getTime() - settings.orphanGraceMs;
    let deleted = 0;
    for (const key of candidates) {
      const info = await storage.head(key);
      if (info.isErr()) continue;
      if (info.value.lastModified.getTime() >= cutoff) continue;
      const removed = await storage.delete(key);
      if (removed.isErr()) failures.push(`orphan ${key}: ${removed.error.message}`);
      else deleted += 1;
    }
    return deleted;
  }
}

const jobPrefix = (storagePrefix: string, job: Job): string => `${storagePrefix}/${job.ownerId}/${job.id}/`;

/**
 * Whether `key` (stored under `{prefix}/{ownerId}/{job.id}/`) belongs to the job: one of its
 * result's files, or in the folder of the attempt running now (its upload may be under way).
 */
function referencedBy(job: Job | null, ownerId: string, key: string, storagePrefix: string): boolean {
  if (job === null || job.ownerId !== ownerId) return false;
  if (job.result !== null) {
    const { videoKey, thumbnailKey, subtitlesKey } = job.result;
    if (key === videoKey || key === thumbnailKey || key === subtitlesKey) return true;
  }
  return (
    job.status === 'processing' && key.startsWith(`${jobPrefix(storagePrefix, job)}attempt-${job.attempts}/`)
  );
}
