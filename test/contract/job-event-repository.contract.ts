import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobEvent } from '../../src/domain/job-event.js';
import { createJob } from '../../src/domain/job.js';
import { VideoSpec } from '../../src/domain/video-spec.js';
import type { JobEventRepository } from '../../src/ports/job-event-repository.js';
import type { JobRepository } from '../../src/ports/job-repository.js';

/** One fresh, empty store per test. */
export interface JobEventRepositorySubject {
  readonly repo: JobEventRepository;
  /** Jobs of the same store: events belong to stored jobs (SQL stores enforce it). */
  readonly jobs: JobRepository;
  close(): Promise<void>;
}

const spec = VideoSpec.create({ topic: 'Events' })._unsafeUnwrap();
const T0 = new Date('2026-11-20T12:00:00.000Z');
const at = (offsetMs: number): Date => new Date(T0.getTime() + offsetMs);

/**
 * Runs the {@link JobEventRepository} contract against one adapter: round trip, oldest-first
 * order with ties broken by id, cursor pagination, isolation between jobs, invalid cursors
 * (`InvalidCursor`), level filters and deletion of a job's events.
 *
 * @param adapterName shown in the suite name: `JobEventRepository contract [<adapterName>]`.
 * @param makeSubject makes a fresh, empty store for each test.
 */
export function describeJobEventRepositoryContract(
  adapterName: string,
  makeSubject: () => Promise<JobEventRepositorySubject>,
): void {
  describe(`JobEventRepository contract [${adapterName}]`, () => {
    let subject: JobEventRepositorySubject;
    let repo: JobEventRepository;

    beforeEach(async () => {
      subject = await makeSubject();
      repo = subject.repo;
    });

    afterEach(async () => {
      await subject.close();
    });

    const newJobId = async (): Promise<string> => {
      const job = createJob({ id: randomUUID(), ownerId: 'owner-1', spec, maxAttempts: 3, now: T0 });
      (await subject.jobs.insert(job))._unsafeUnwrap();
      return job.id;
    };

    const event = (jobId: string, offsetMs: number, overrides: Partial<JobEvent> = {}): JobEvent => ({
      id: randomUUID(),
      jobId,
      at: at(offsetMs),
      level: 'info',
      stage: 'lifecycle',
      message: `event at +${offsetMs} ms`,
      data: {},
      ...overrides,
    });

    const append = async (e: JobEvent): Promise<void> => (await repo.append(e))._unsafeUnwrap();
    const list = async (jobId: string, limit: number, cursor?: string) =>
      (await repo.list(jobId, cursor === undefined ? { limit } : { limit, cursor }))._unsafeUnwrap();

    it('stores an event and reads back every field', async () => {
      const jobId = await newJobId();
      const e = event(jobId, 1_234, {
        level: 'warn',
        stage: 'rendering',
        message: 'scene 3 took "long" — ünïcödé',
        data: { scene: 3, ms: 1234.5, nested: { ok: true, list: [1, 'two', null] } },
      });
      await append(e);
      expect(await list(jobId, 10)).toEqual({ items: [e], nextCursor: null });
    });

    it('lists nothing for a job without events', async () => {
      expect(await list(randomUUID(), 10)).toEqual({ items: [], nextCursor: null });
    });

    it('lists oldest first whatever the append order, ties in time broken by id', async () => {
      const jobId = await newJobId();
      const late = event(jobId, 5_000);
      const early = event(jobId, 1_000);
      const sameTimeB = event(jobId, 3_000, { id: `b-${randomUUID()}` });
      const sameTimeA = event(jobId, 3_000, { id: `a-${randomUUID()}` });
      for (const e of [late, sameTimeB, early, sameTimeA]) await append(e);
      expect((await list(jobId, 10)).items.map((e) => e.id)).toEqual([
        early.id,
        sameTimeA.id,
        sameTimeB.id,
        late.id,
      ]);
    });

    it('pages with an opaque cursor until the end', async () => {
      const jobId = await newJobId();
      const events = Array.from({ length: 7 }, (_, i) => event(jobId, i * 10));
      for (const e of [...events].reverse()) await append(e);

      const first = await list(jobId, 3);
      expect(first.items).toEqual(events.slice(0, 3));
      expect(first.nextCursor).toEqual(expect.any(String));
      const second = await list(jobId, 3, first.nextCursor!);
      expect(second.items).toEqual(events.slice(3, 6));
      const third = await list(jobId, 3, second.nextCursor!);
      expect(third).toEqual({ items: events.slice(6), nextCursor: null });
    });

    it('ends without a cursor when the last page is exactly full', async () => {
      const jobId = await newJobId();
      const events = Array.from({ length: 4 }, (_, i) => event(jobId, i));
      for (const e of events) await append(e);
      const first = await list(jobId, 2);
      const second = await list(jobId, 2, first.nextCursor!);
      expect(second).toEqual({ items: events.slice(2), nextCursor: null });
    });

    it('pages correctly across events that share a time', async () => {
      const jobId = await newJobId();
      const events = ['a', 'b', 'c', 'd', 'e'].map((p) => event(jobId, 0, { id: `${p}-${randomUUID()}` }));
      for (const e of events) await append(e);
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await list(jobId, 2, cursor);
        seen.push(...page.items.map((e) => e.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
      expect(seen).toEqual(events.map((e) => e.id));
    });

    it('keeps each job’s events apart', async () => {
      const one = await newJobId();
      const two = await newJobId();
      const a = event(one, 1);
      const b = event(two, 2);
      await append(a);
      await append(b);
      expect((await list(one, 10)).items).toEqual([a]);
      expect((await list(two, 10)).items).toEqual([b]);
    });

    it('clamps the page size to 1–500', async () => {
      const jobId = await newJobId();
      for (let i = 0; i < 3; i += 1) await append(event(jobId, i));
      expect((await list(jobId, 0)).items).toHaveLength(1);
      expect((await list(jobId, 10_000)).items).toHaveLength(3);
    });

    it('answers InvalidCursor for a cursor it did not make', async () => {
      const jobId = await newJobId();
      for (const cursor of ['not a cursor!', 'bm9wZQ', Buffer.from('x|y').toString('base64url'), '']) {
        expect((await repo.list(jobId, { limit: 10, cursor }))._unsafeUnwrapErr()).toEqual({
          type: 'InvalidCursor',
          cursor: cursor.slice(0, 64),
        });
      }
    });

    it('filters by level, paging over the matching events only', async () => {
      const jobId = await newJobId();
      const levels = ['info', 'warn', 'info', 'error', 'debug', 'warn', 'error'] as const;
      const events = levels.map((level, i) => event(jobId, i * 10, { level }));
      for (const e of events) await append(e);
      const wanted = events.filter((e) => e.level === 'warn' || e.level === 'error');
      const seen: JobEvent[] = [];
      let cursor: string | undefined;
      do {
        const page = (
          await repo.list(jobId, {
            limit: 3,
            levels: ['warn', 'error'],
            ...(cursor !== undefined ? { cursor } : {}),
          })
        )._unsafeUnwrap();
        seen.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
      expect(seen).toEqual(wanted);
      expect((await repo.list(jobId, { limit: 10, levels: [] }))._unsafeUnwrap().items).toEqual(events);
    });

    describe('JobRepository.insertWithEvent (a new job and its first event, atomically)', () => {
      const newJob = () => createJob({ id: randomUUID(), ownerId: 'owner-1', spec, maxAttempts: 3, now: T0 });

      it('stores the job and its event together', async () => {
        const job = newJob();
        const first = event(job.id, 0, { message: 'Job queued', data: { priority: 0 } });
        const stored = (await subject.jobs.insertWithEvent(job, first))._unsafeUnwrap();
        expect(stored).toEqual(job);
        expect((await subject.jobs.findById(job.id))._unsafeUnwrap()).toEqual(job);
        expect(await list(job.id, 10)).toEqual({ items: [first], nextCursor: null });
      });

      it('stores no job when its event cannot be stored (duplicate event id)', async () => {
        const other = await newJobId();
        const taken = event(other, 0);
        await append(taken);
        const job = newJob();
        await expect(subject.jobs.insertWithEvent(job, { ...taken, jobId: job.id })).rejects.toThrow();
        expect((await subject.jobs.findById(job.id))._unsafeUnwrapErr()).toEqual({
          type: 'JobNotFound',
          jobId: job.id,
        });
        expect(await list(job.id, 10)).toEqual({ items: [], nextCursor: null });
        expect(await list(other, 10)).toEqual({ items: [taken], nextCursor: null });
      });

      it('stores no event when the job cannot be stored (duplicate job id)', async () => {
        const job = newJob();
        (await subject.jobs.insert(job))._unsafeUnwrap();
        await expect(subject.jobs.insertWithEvent(job, event(job.id, 0))).rejects.toThrow();
        expect(await list(job.id, 10)).toEqual({ items: [], nextCursor: null });
        expect((await subject.jobs.findById(job.id))._unsafeUnwrap()).toEqual(job);
      });

      it('stores concurrent inserts independently: one bad insert fails alone', async () => {
        const existing = newJob();
        (await subject.jobs.insert(existing))._unsafeUnwrap();
        const fresh = Array.from({ length: 8 }, () => newJob());
        const writes = [...fresh.slice(0, 4), existing, ...fresh.slice(4)].map((job, i) =>
          subject.jobs.insertWithEvent(job, event(job.id, i, { message: `first of ${job.id}` })),
        );
        const outcomes = await Promise.allSettled(writes);

        expect(outcomes.map((o) => o.status)).toEqual([
          ...Array(4).fill('fulfilled'),
          'rejected',
          ...Array(4).fill('fulfilled'),
        ]);
        for (const job of fresh) {
          expect((await subject.jobs.findById(job.id))._unsafeUnwrap()).toEqual(job);
          expect((await list(job.id, 10)).items.map((e) => e.message)).toEqual([`first of ${job.id}`]);
        }
        expect(await list(existing.id, 10)).toEqual({ items: [], nextCursor: null });
      });

      it('stores many concurrent inserts (more than one statement holds), each with its event', async () => {
        const jobs = Array.from({ length: 250 }, () => newJob());
        const stored = await Promise.all(
          jobs.map((job, i) => subject.jobs.insertWithEvent(job, event(job.id, i, { message: `#${i}` }))),
        );
        expect(stored.map((r) => r._unsafeUnwrap().id)).toEqual(jobs.map((j) => j.id));
        expect((await subject.jobs.countByStatus())._unsafeUnwrap().queued).toBe(250);
        for (const i of [0, 99, 100, 199, 200, 249])
          expect((await list(jobs[i]!.id, 10)).items.map((e) => e.message)).toEqual([`#${i}`]);
      });

      it('refuses an event of another job and stores nothing', async () => {
        const job = newJob();
        const stray = event(randomUUID(), 0);
        await expect(subject.jobs.insertWithEvent(job, stray)).rejects.toThrow(/belongs to job/);
        expect((await subject.jobs.findById(job.id)).isErr()).toBe(true);
        expect(await list(stray.jobId, 10)).toEqual({ items: [], nextCursor: null });
      });
    });

    it('deletes every event of one job and only of that job', async () => {
      const one = await newJobId();
      const two = await newJobId();
      for (let i = 0; i < 3; i += 1) await append(event(one, i));
      const kept = event(two, 5);
      await append(kept);
      expect((await repo.deleteForJob(one))._unsafeUnwrap()).toBe(3);
      expect(await list(one, 10)).toEqual({ items: [], nextCursor: null });
      expect((await list(two, 10)).items).toEqual([kept]);
      expect((await repo.deleteForJob(one))._unsafeUnwrap()).toBe(0);
    });
  });
}
