import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry, AuditLog, AuditRecordInput } from '../../src/ports/audit-log.js';

/** One fresh, empty store per test. */
export interface AuditLogSubject {
  readonly log: AuditLog;
  close(): Promise<void>;
}

const T0 = new Date('2026-11-21T01:00:00.000Z');
const at = (offsetMs: number): Date => new Date(T0.getTime() + offsetMs);

const input = (offsetMs: number, overrides: Partial<AuditRecordInput> = {}): AuditRecordInput => ({
  actorId: 'admin-1',
  action: 'job.deleted',
  targetType: 'job',
  targetId: `job-${offsetMs}`,
  detail: { status: 'completed', deletedObjects: 3 },
  at: at(offsetMs),
  ...overrides,
});

/**
 * Runs the {@link AuditLog} contract against one adapter: round trip with store-assigned ids,
 * newest-first order (ties by id), filters, cursor pages and `InvalidCursor`.
 *
 * @param adapterName shown in the suite name: `AuditLog contract [<adapterName>]`.
 * @param makeSubject makes a fresh, empty store for each test.
 */
export function describeAuditLogContract(
  adapterName: string,
  makeSubject: () => Promise<AuditLogSubject>,
): void {
  describe(`AuditLog contract [${adapterName}]`, () => {
    let subject: AuditLogSubject;
    let log: AuditLog;

    beforeEach(async () => {
      subject = await makeSubject();
      log = subject.log;
    });

    afterEach(async () => {
      await subject.close();
    });

    const record = async (e: AuditRecordInput): Promise<AuditEntry> => (await log.record(e))._unsafeUnwrap();

    it('stores a row with an id and reads back every field', async () => {
      const stored = await record(
        input(5, {
          requestId: 'req-1',
          targetId: null,
          detail: { filters: { status: ['failed'] }, note: 'ünïcödé "quoted"', n: 1.5 },
        }),
      );
      expect(stored).toEqual({
        id: expect.any(String),
        actorId: 'admin-1',
        action: 'job.deleted',
        targetType: 'job',
        targetId: null,
        detail: { filters: { status: ['failed'] }, note: 'ünïcödé "quoted"', n: 1.5 },
        at: at(5),
        requestId: 'req-1',
      });
      expect((await log.list({ limit: 10 }))._unsafeUnwrap()).toEqual({ items: [stored], nextCursor: null });
    });

    it('gives increasing ids and lists newest first, ties in time by id', async () => {
      const a = await record(input(0));
      const b = await record(input(1_000));
      const c = await record(input(1_000));
      const old = await record(input(-5_000));
      expect(Number(b.id)).toBeGreaterThan(Number(a.id));
      expect(Number(c.id)).toBeGreaterThan(Number(b.id));
      expect((await log.list({ limit: 10 }))._unsafeUnwrap().items.map((e) => e.id)).toEqual([
        c.id,
        b.id,
        a.id,
        old.id,
      ]);
    });

    it('filters by actor, action, target type and target id', async () => {
      const deleted = await record(input(1));
      const cancelled = await record(input(2, { action: 'job.admin-cancelled', targetId: 'job-x' }));
      const listed = await record(
        input(3, { action: 'jobs.admin-listed', targetType: 'jobs', targetId: null }),
      );
      const other = await record(input(4, { actorId: 'user-2' }));
      const ids = async (filter: Parameters<AuditLog['list']>[0]) =>
        (await log.list(filter))._unsafeUnwrap().items.map((e) => e.id);
      expect(await ids({ limit: 10, actorId: 'user-2' })).toEqual([other.id]);
      expect(await ids({ limit: 10, action: 'job.deleted' })).toEqual([other.id, deleted.id]);
      expect(await ids({ limit: 10, targetType: 'jobs' })).toEqual([listed.id]);
      expect(await ids({ limit: 10, targetType: 'job', targetId: 'job-x' })).toEqual([cancelled.id]);
      expect(await ids({ limit: 10, actorId: 'admin-1', action: 'job.deleted' })).toEqual([deleted.id]);
    });

    it('pages with a cursor until the end, without duplicates or gaps', async () => {
      const stored: AuditEntry[] = [];
      for (let i = 0; i < 7; i += 1) stored.push(await record(input(Math.floor(i / 2))));
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = (
          await log.list({ limit: 3, ...(cursor !== undefined ? { cursor } : {}) })
        )._unsafeUnwrap();
        seen.push(...page.items.map((e) => e.id));
        cursor = page.nextCursor ?? undefined;
        pages += 1;
      } while (cursor !== undefined);
      expect(pages).toBe(3);
      expect(seen).toEqual([...stored].reverse().map((e) => e.id));
    });

    it('clamps the page size to 1–100', async () => {
      for (let i = 0; i < 3; i += 1) await record(input(i));
      expect((await log.list({ limit: 0 }))._unsafeUnwrap().items).toHaveLength(1);
      expect((await log.list({ limit: 1_000 }))._unsafeUnwrap().items).toHaveLength(3);
    });

    it('answers InvalidCursor for a cursor it did not make', async () => {
      const foreign = Buffer.from(`d|${T0.toISOString()}|not-a-number`).toString('base64url');
      for (const cursor of ['nope!', 'Zm9v', foreign]) {
        expect((await log.list({ limit: 5, cursor }))._unsafeUnwrapErr()).toEqual({
          type: 'InvalidCursor',
          cursor,
        });
      }
    });
  });
}
