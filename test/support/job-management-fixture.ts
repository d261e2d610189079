import { Readable } from 'node:stream';
import { InMemoryAuditLog } from '../../src/adapters/memory/in-memory-audit-log.js';
import { AdminCancelJob } from '../../src/application/admin-cancel-job.js';
import { CancelJob } from '../../src/application/cancel-job.js';
import { DeleteJob } from '../../src/application/delete-job.js';
import { GetCurrentUser } from '../../src/application/get-current-user.js';
import { GetDashboardStats } from '../../src/application/get-dashboard-stats.js';
import { GetJobLogs } from '../../src/application/get-job-logs.js';
import { GetPreferences } from '../../src/application/get-preferences.js';
import { ListAllJobs } from '../../src/application/list-all-jobs.js';
import { ListJobs } from '../../src/application/list-jobs.js';
import { ListRecentJobs } from '../../src/application/list-recent-jobs.js';
import { RetryJob } from '../../src/application/retry-job.js';
import { UpdatePreferences } from '../../src/application/update-preferences.js';
import { claimJob, completeJob, failJob, type Job } from '../../src/domain/job.js';
import type { Principal } from '../../src/domain/principal.js';
import type { JobRepository } from '../../src/ports/job-repository.js';
import type { ObjectStorage } from '../../src/ports/object-storage.js';
import { createApplicationFixture, type FixtureOptions } from './application-fixture.js';

/**
 * The application fixture plus the job-management use cases (list, cancel, retry, delete, logs,
 * users, dashboard, admin views) wired over the same in-memory adapters and an in-memory audit log.
 * `jobsSeen` / `storageSeen` replace what the use cases see (fault injection).
 */
export function createJobManagementFixture(
  options: FixtureOptions & {
    jobsSeen?: (f: { jobs: JobRepository }) => JobRepository;
    storageSeen?: ObjectStorage;
  } = {},
) {
  const f = createApplicationFixture(options);
  const audit = new InMemoryAuditLog();
  const jobs = options.jobsSeen?.(f) ?? f.jobs;
  const storage = options.storageSeen ?? f.storage;
  const cancelDeps = { jobs, activity: f.activity, clock: f.clock };
  const useCases = {
    audit,
    listJobs: new ListJobs({ jobs }),
    cancelJob: new CancelJob(cancelDeps),
    adminCancelJob: new AdminCancelJob({ ...cancelDeps, audit, logger: f.logger }),
    retryJob: new RetryJob({
      jobs,
      activity: f.activity,
      signal: f.signal,
      clock: f.clock,
      logger: f.logger,
    }),
    deleteJob: new DeleteJob({
      jobs,
      events: f.events,
      storage,
      cache: f.cache,
      audit,
      clock: f.clock,
      logger: f.logger,
      settings: { storagePrefix: f.settings.storagePrefix },
    }),
    getJobLogs: new GetJobLogs({ jobs, events: f.events }),
    getCurrentUser: new GetCurrentUser({ users: f.users, jobs, clock: f.clock }),
    getPreferences: new GetPreferences({ users: f.users }),
    updatePreferences: new UpdatePreferences({ users: f.users, clock: f.clock }),
    getDashboardStats: new GetDashboardStats({ jobs, clock: f.clock }),
    listRecentJobs: new ListRecentJobs({ jobs }),
    listAllJobs: new ListAllJobs({ jobs, audit, clock: f.clock, logger: f.logger }),
  };

  const claimed = async (jobId: string): Promise<Job> => {
    const job = await f.job(jobId);
    const next = claimJob(job, { workerId: 'worker-1', leaseMs: 60_000, now: f.clock.now() })._unsafeUnwrap();
    return (await f.jobs.update(next))._unsafeUnwrap();
  };

  return {
    ...f,
    ...useCases,

    /** An admin principal (role admin) and a key with only the admin scope. */
    admin(userId = 'user_admin'): Principal {
      return { userId, role: 'admin', scopes: ['jobs', 'admin'], via: 'api-key' };
    },

    /** Moves a queued job to processing (attempt 1). */
    processing: claimed,

    /** Moves a queued job through processing to failed (permanent error). */
    async failed(jobId: string): Promise<Job> {
      const job = await claimed(jobId);
      const next = failJob(job, {
        attempt: job.attempts,
        error: { code: 'RENDER_FAILED', message: 'composing: ffmpeg exited with 1', retryable: false },
        backoffMs: 0,
        now: f.clock.now(),
      })._unsafeUnwrap();
      return (await f.jobs.update(next))._unsafeUnwrap();
    },

    /**
     * Moves a queued job through processing to completed after `seconds`, storing its three files
     * under `{prefix}/{owner}/{job}/attempt-1/`.
     */
    async completed(jobId: string, options: { seconds?: number; sizeBytes?: number } = {}): Promise<Job> {
      const job = await claimed(jobId);
      const base = `${f.settings.storagePrefix}/${job.ownerId}/${job.id}/attempt-${job.attempts}`;
      for (const name of ['video.mp4', 'thumbnail.jpg', 'subtitles.vtt'])
        (
          await f.storage.putStream(`${base}/${name}`, Readable.from([Buffer.from(name)]), {
            contentType: 'application/octet-stream',
          })
        )._unsafeUnwrap();
      const now = new Date(f.clock.now().getTime() + (options.seconds ?? 10) * 1_000);
      const next = completeJob(job, {
        attempt: job.attempts,
        now,
        result: {
          videoKey: `${base}/video.mp4`,
          thumbnailKey: `${base}/thumbnail.jpg`,
          subtitlesKey: `${base}/subtitles.vtt`,
          sizeBytes: options.sizeBytes ?? 1_000,
          durationSeconds: 12,
          width: 1280,
          height: 720,
          fps: 30,
          videoCodec: 'h264',
          audioCodec: 'aac',
          bitrate: 600_000,
          sha256: 'a'.repeat(64),
        },
      })._unsafeUnwrap();
      return (await f.jobs.update(next))._unsafeUnwrap();
    },
  };
}

export type JobManagementFixture = ReturnType<typeof createJobManagementFixture>;
