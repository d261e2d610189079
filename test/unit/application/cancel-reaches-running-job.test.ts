import { ResultAsync, type Result } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import { requestJobCancel } from '../../../src/application/cancel-job.js';
import { ProcessNextJob, type ProcessNextJobSettings } from '../../../src/application/process-next-job.js';
import type { StorageUnavailable } from '../../../src/ports/errors.js';
import type { ObjectStorage, PutObjectOptions, StoredObjectInfo } from '../../../src/ports/object-storage.js';
import {
  createApplicationFixture,
  DelegatingObjectStorage,
  type ApplicationFixture,
} from '../../support/application-fixture.js';
import { ScriptedVideoRenderer } from '../../support/scripted-video-renderer.js';

/** No heartbeat and no progress during the hang: only the attempt watch can see the cancel. */
const QUIET: Partial<ProcessNextJobSettings> = { heartbeatMs: 3_600_000, progressIntervalMs: 3_600_000 };

function processNextJob(
  f: ApplicationFixture,
  settings: Partial<ProcessNextJobSettings>,
  options: { live?: boolean; storage?: ObjectStorage } = {},
): ProcessNextJob {
  return new ProcessNextJob({
    jobs: f.jobs,
    activity: f.activity,
    renderer: f.renderer,
    storage: options.storage ?? f.storage,
    clock: f.clock,
    logger: f.logger,
    metrics: f.metrics,
    settings: {
      leaseMs: f.settings.leaseMs,
      storagePrefix: f.settings.storagePrefix,
      backoff: f.settings.backoff,
      ...settings,
    },
    random: () => 0.5,
    ...(options.live === true ? { live: f.live } : {}),
  });
}

/** Asks to cancel `jobId` as its owner would; throws the error type when refused. */
async function cancelJobFor(f: ApplicationFixture, jobId: string): Promise<void> {
  const job = await f.job(jobId);
  const asked = await requestJobCancel(
    { jobs: f.jobs, activity: f.activity, clock: f.clock },
    job,
    job.ownerId,
  );
  if (asked.isErr()) throw new Error(asked.error.type);
}

const hangInComposing = (): ScriptedVideoRenderer =>
  new ScriptedVideoRenderer().script({ kind: 'hang', stage: 'composing', giveUpAfterMs: 5_000 });

describe('a cancel reaches a running attempt', () => {
  it('through a live update at once, in a stage that reports no progress', async () => {
    const f = createApplicationFixture({ renderer: hangInComposing() });
    const worker = processNextJob(f, { ...QUIET, cancelCheckMs: 3_600_000 }, { live: true });
    const job = await f.submit();
    const running = worker.execute({ workerId: 'worker-1', shutdown: new AbortController().signal });
    await f.renderer.started(1);
    await new Promise((r) => setTimeout(r, 20));

    const asked = performance.now();
    await cancelJobFor(f, job.id);
    const outcome = await running;
    const latencyMs = performance.now() - asked;

    expect(outcome).toEqual({ kind: 'cancelled', jobId: job.id, attempt: 1 });
    expect(latencyMs).toBeLessThan(250);
    expect(f.renderer.endings).toEqual(['cancelled']);
    expect((await f.job(job.id)).status).toBe('cancelled');
  });

  it('by polling within the check period when no live update arrives', async () => {
    const f = createApplicationFixture({ renderer: hangInComposing() });
    const worker = processNextJob(f, { ...QUIET, cancelCheckMs: 200 });
    const job = await f.submit();
    const running = worker.execute({ workerId: 'worker-1', shutdown: new AbortController().signal });
    await f.renderer.started(1);

    const asked = performance.now();
    await cancelJobFor(f, job.id);
    expect(await running).toEqual({ kind: 'cancelled', jobId: job.id, attempt: 1 });
    expect(performance.now() - asked).toBeLessThan(600);
    expect(await f.storedKeys()).toEqual([]);
  });

  it('stops an attempt whose job was deleted meanwhile (lease lost), storing nothing', async () => {
    const f = createApplicationFixture({ renderer: hangInComposing() });
    const worker = processNextJob(f, { ...QUIET, cancelCheckMs: 100 });
    const job = await f.submit();
    const running = worker.execute({ workerId: 'worker-1', shutdown: new AbortController().signal });
    await f.renderer.started(1);
    // The worker writes progress meanwhile: delete the version read last.
    for (let deleted = false; !deleted;) {
      deleted = (await f.jobs.delete(job.id, (await f.job(job.id)).version)).isOk();
    }

    expect(await running).toEqual({ kind: 'lease-lost', jobId: job.id, attempt: 1 });
    expect(await f.storedKeys()).toEqual([]);
  });
});

/** Storage that lets a cancel request land while the last file is being stored. */
class CancelDuringUpload extends DelegatingObjectStorage {
  constructor(
    inner: ObjectStorage,
    private readonly onLastFile: () => Promise<void>,
  ) {
    super(inner);
  }
  override putFile(
    key: string,
    filePath: string,
    options: PutObjectOptions,
  ): ResultAsync<StoredObjectInfo, StorageUnavailable> {
    if (!key.endsWith('subtitles.vtt')) return super.putFile(key, filePath, options);
    const put = (): ResultAsync<StoredObjectInfo, StorageUnavailable> =>
      super.putFile(key, filePath, options);
    return new ResultAsync<StoredObjectInfo, StorageUnavailable>(
      (async (): Promise<Result<StoredObjectInfo, StorageUnavailable>> => {
        await this.onLastFile();
        return put();
      })(),
    );
  }
}

describe('a cancel racing the completion', () => {
  it('wins when it lands before the completion is written: cancelled, no files, no completion event', async () => {
    const f = createApplicationFixture();
    const job = await f.submit();
    const storage = new CancelDuringUpload(f.storage, () => cancelJobFor(f, job.id));
    const worker = processNextJob(f, QUIET, { storage });

    const outcome = await worker.execute({ workerId: 'worker-1', shutdown: new AbortController().signal });

    expect(outcome).toEqual({ kind: 'cancelled', jobId: job.id, attempt: 1 });
    expect(await f.job(job.id)).toMatchObject({ status: 'cancelled', result: null, lease: null });
    expect(await f.storedKeys()).toEqual([]);
    const messages = (await f.eventsOf(job.id)).map((e) => e.message);
    expect(messages).not.toContain('Job completed');
    expect(messages.filter((m) => m === 'Job cancelled')).toHaveLength(1);
  });

  it('is refused once the job completed: the job stays completed with its files', async () => {
    const f = createApplicationFixture();
    const job = await f.submit();
    expect(await f.process()).toMatchObject({ kind: 'completed' });

    const refused = await cancelJobFor(f, job.id).then(
      () => 'accepted',
      (error: unknown) => String(error),
    );

    expect(refused).toContain('IllegalJobTransition');
    const done = await f.job(job.id);
    expect(done.status).toBe('completed');
    expect(await f.storedKeys()).toEqual(
      [done.result!.subtitlesKey, done.result!.thumbnailKey, done.result!.videoKey].sort(),
    );
  });
});
