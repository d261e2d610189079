import { readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { FfmpegVideoRenderer } from '../../src/adapters/ffmpeg/ffmpeg-video-renderer.js';
import { InMemoryCache } from '../../src/adapters/memory/in-memory-cache.js';
import { InMemoryJobEventRepository } from '../../src/adapters/memory/in-memory-job-event-repository.js';
import { InMemoryJobRepository } from '../../src/adapters/memory/in-memory-job-repository.js';
import { InMemoryMetrics } from '../../src/adapters/memory/in-memory-metrics.js';
import { InMemoryObjectStorage } from '../../src/adapters/memory/in-memory-object-storage.js';
import { InProcessJobEvents } from '../../src/adapters/memory/in-process-job-events.js';
import { InProcessWorkSignal } from '../../src/adapters/memory/in-process-work-signal.js';
import { SystemClock } from '../../src/adapters/system/system-clock.js';
import { UuidV7IdGenerator } from '../../src/adapters/system/uuid-v7-id-generator.js';
import { CancelJob } from '../../src/application/cancel-job.js';
import { JobActivity } from '../../src/application/job-activity.js';
import { ProcessNextJob } from '../../src/application/process-next-job.js';
import { SubmitVideoJob } from '../../src/application/submit-video-job.js';
import type { Principal } from '../../src/domain/principal.js';
import { RecordingLogger, waitFor } from '../support/application-fixture.js';
import {
  freshWorkRoot,
  LONG_CONTEXT,
  processesMentioning,
  removeWorkRoots,
} from './ffmpeg/ffmpeg-test-support.js';

afterAll(() => removeWorkRoots());

const OWNER: Principal = { userId: 'user_cancel', role: 'user', scopes: ['jobs'], via: 'api-key' };

/**
 * The worker's use case with the REAL FFmpeg renderer and in-memory stores: a `medium` render is
 * cancelled through the CancelJob use case while FFmpeg is composing it.
 */
function realPipeline(options: { liveUpdates: boolean }) {
  const clock = new SystemClock();
  const ids = new UuidV7IdGenerator();
  const logger = new RecordingLogger();
  const events = new InMemoryJobEventRepository();
  const jobs = new InMemoryJobRepository(clock, { events });
  const live = new InProcessJobEvents();
  const storage = new InMemoryObjectStorage();
  const workRoot = freshWorkRoot();
  const activity = new JobActivity({ events, live, ids, clock, logger, cache: new InMemoryCache() });
  const submit = new SubmitVideoJob({
    jobs,
    activity,
    signal: new InProcessWorkSignal(),
    clock,
    ids,
    logger,
    settings: { maxAttempts: 3 },
  });
  const worker = new ProcessNextJob({
    jobs,
    activity,
    renderer: new FfmpegVideoRenderer({ workRoot }),
    storage,
    clock,
    logger,
    metrics: new InMemoryMetrics(),
    ...(options.liveUpdates ? { live } : {}),
    // The defaults of the composition root: 30 s lease, progress writes at most every 0.5 s.
    settings: { leaseMs: 30_000, storagePrefix: 'test', backoff: { baseMs: 1_000, maxMs: 60_000 } },
  });
  return { jobs, storage, workRoot, submit, worker, cancel: new CancelJob({ jobs, activity, clock }) };
}

describe('cancelling a running render (real FFmpeg renderer)', () => {
  it.each([
    ['with live updates (as the composition root wires it)', true],
    ['seen at its next progress write (no live updates)', false],
  ])(
    'ends it as cancelled within 2 s, FFmpeg killed and no video stored, %s',
    async (_how, liveUpdates) => {
      const p = realPipeline({ liveUpdates });
      const job = (
        await p.submit.execute({
          ownerId: OWNER.userId,
          spec: { topic: 'Right triangles', context: LONG_CONTEXT, quality: 'medium', narration: false },
        })
      )._unsafeUnwrap();
      const running = p.worker.execute({ workerId: 'worker-real', shutdown: new AbortController().signal });

      // Cancel while FFmpeg is composing: its process is running under the work root.
      await waitFor(
        async () =>
          (await p.jobs.findById(job.id))._unsafeUnwrap().progress.stage === 'composing' &&
          processesMentioning(p.workRoot).length > 0,
        { timeoutMs: 60_000, what: 'FFmpeg to be composing' },
      );
      const stageAtCancel = (await p.jobs.findById(job.id))._unsafeUnwrap().progress.stage;
      const asked = performance.now();
      const pending = (await p.cancel.execute({ principal: OWNER, jobId: job.id }))._unsafeUnwrap();
      expect(pending).toMatchObject({ status: 'processing' });

      const outcome = await running;
      const elapsedMs = performance.now() - asked;

      expect(outcome).toEqual({ kind: 'cancelled', jobId: job.id, attempt: 1 });
      expect(elapsedMs).toBeLessThan(2_000);
      const stored = (await p.jobs.findById(job.id))._unsafeUnwrap();
      expect(stored).toMatchObject({ status: 'cancelled', result: null, lease: null });
      expect(stored.finishedAt).not.toBeNull();
      expect((await p.storage.list(''))._unsafeUnwrap()).toEqual([]);
      // FFmpeg was killed and the render's working directory removed.
      expect(processesMentioning(p.workRoot)).toEqual([]);
      expect(readdirSync(p.workRoot)).toEqual([]);
      console.info(
        `[cancel-render] ${_how}: cancelled in ${stageAtCancel} (FFmpeg running) after ${Math.round(elapsedMs)} ms`,
      );
    },
    90_000,
  );
});
