import { FsScratchSpace } from '../adapters/fs/fs-scratch-space.js';
import { DeleteUserData } from '../application/delete-user-data.js';
import { ListFailedJobs } from '../application/list-failed-jobs.js';
import { PurgeExpiredData } from '../application/purge-expired-data.js';
import type { Config } from '../config/config.js';
import { RetentionLoop } from '../worker/retention-loop.js';
import type { Container } from './container.js';
import { T } from './tokens.js';

/** A stored object nothing references is removed only once older than this, in ms. */
const ORPHAN_GRACE_MS = 60 * 60 * 1000;
/** Render scratch directories older than this are removed, in ms. */
const SCRATCH_MAX_AGE_MS = 6 * 60 * 60 * 1000;

/**
 * Retention (DESIGN §6): the purge use case and its schedule (started only where the job worker
 * runs), the dead-letter view and user data deletion for admins.
 */
export function registerRetention(c: Container, config: Config): void {
  c.register(T.purgeExpiredData, {
    lifetime: 'singleton',
    factory: async (r) =>
      new PurgeExpiredData({
        jobs: await r.resolve(T.jobs),
        events: await r.resolve(T.jobEventLog),
        storage: await r.resolve(T.storage),
        uploads: await r.resolve(T.uploads),
        scratch: new FsScratchSpace(config.renderer.workDir),
        clock: await r.resolve(T.clock),
        logger: await r.resolve(T.logger),
        settings: {
          storagePrefix: config.storage.prefix,
          retentionMs: config.retention.maxAgeMs,
          orphanGraceMs: ORPHAN_GRACE_MS,
          scratchMaxAgeMs: SCRATCH_MAX_AGE_MS,
        },
      }),
  });
  c.register(T.retentionLoop, {
    lifetime: 'singleton',
    factory: async (r) =>
      new RetentionLoop({
        purgeExpiredData: await r.resolve(T.purgeExpiredData),
        logger: await r.resolve(T.logger),
        settings: { intervalMs: config.retention.sweepIntervalMs },
      }),
    // Runs where the job worker runs (`npm start` with WORKER_CONCURRENCY > 0, `npm run worker`).
    start: (loop) => {
      if (config.worker.concurrency > 0) loop.start();
    },
    stop: (loop) => loop.stop(),
  });
  c.register(T.listFailedJobs, {
    lifetime: 'singleton',
    factory: async (r) =>
      new ListFailedJobs({ jobs: await r.resolve(T.jobs), events: await r.resolve(T.jobEventLog) }),
  });
  c.register(T.deleteUserData, {
    lifetime: 'singleton',
    factory: async (r) =>
      new DeleteUserData({
        jobs: await r.resolve(T.jobs),
        events: await r.resolve(T.jobEventLog),
        storage: await r.resolve(T.storage),
        uploads: await r.resolve(T.uploads),
        configurations: await r.resolve(T.configurations),
        batches: await r.resolve(T.batches),
        audit: await r.resolve(T.auditLog),
        clock: await r.resolve(T.clock),
        logger: await r.resolve(T.logger),
        settings: { storagePrefix: config.storage.prefix },
      }),
  });
}
