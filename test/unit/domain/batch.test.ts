import { describe, expect, it } from 'vitest';
import { checkBatchSize, createBatch, parseBatchName, summarizeBatch } from '../../../src/domain/batch.js';

const NOW = new Date('2026-11-21T10:00:00.000Z');

describe('checkBatchSize', () => {
  it('accepts 1 to the limit', () => {
    expect(checkBatchSize(1, 50).isOk()).toBe(true);
    expect(checkBatchSize(50, 50).isOk()).toBe(true);
  });

  it('names the limit and the size above it', () => {
    expect(checkBatchSize(51, 50)._unsafeUnwrapErr()).toEqual({ type: 'BatchTooLarge', size: 51, limit: 50 });
  });

  it('refuses an empty batch at path jobs', () => {
    expect(checkBatchSize(0, 50)._unsafeUnwrapErr()).toEqual({
      type: 'InvalidBatch',
      issues: [{ path: 'jobs', message: 'must list at least one job' }],
    });
  });
});

describe('parseBatchName', () => {
  it('is null when absent', () => {
    expect(parseBatchName(undefined)._unsafeUnwrap()).toBeNull();
    expect(parseBatchName(null)._unsafeUnwrap()).toBeNull();
  });

  it('trims and collapses whitespace', () => {
    expect(parseBatchName('  Geometry \n  week 1 ')._unsafeUnwrap()).toBe('Geometry week 1');
  });

  it.each([
    ['', 'must not be empty'],
    ['   ', 'must not be empty'],
    ['x'.repeat(201), 'must be at most 200 characters'],
    [42, 'must be a string'],
  ])('refuses %j: %s', (name, message) => {
    expect(parseBatchName(name)._unsafeUnwrapErr()).toEqual({ path: 'name', message });
  });

  it('accepts 200 characters', () => {
    expect(parseBatchName('x'.repeat(200))._unsafeUnwrap()).toHaveLength(200);
  });
});

describe('createBatch', () => {
  const base = { id: 'b1', ownerId: 'alice', jobIds: ['j1', 'j2'], maxJobs: 3, now: NOW };

  it('makes a batch with its jobs in order', () => {
    expect(createBatch({ ...base, name: ' Week 1 ' })._unsafeUnwrap()).toEqual({
      id: 'b1',
      ownerId: 'alice',
      name: 'Week 1',
      jobIds: ['j1', 'j2'],
      createdAt: NOW,
    });
  });

  it('freezes the job ids (a copy of the input)', () => {
    const ids = ['j1'];
    const batch = createBatch({ ...base, jobIds: ids })._unsafeUnwrap();
    ids.push('j2');
    expect(batch.jobIds).toEqual(['j1']);
    expect(Object.isFrozen(batch.jobIds)).toBe(true);
  });

  it('refuses more jobs than the limit, none, a repeated id, or a bad name', () => {
    expect(createBatch({ ...base, jobIds: ['a', 'b', 'c', 'd'] })._unsafeUnwrapErr().type).toBe(
      'BatchTooLarge',
    );
    expect(createBatch({ ...base, jobIds: [] })._unsafeUnwrapErr().type).toBe('InvalidBatch');
    expect(createBatch({ ...base, jobIds: ['a', 'a'] })._unsafeUnwrapErr()).toEqual({
      type: 'InvalidBatch',
      issues: [{ path: 'jobs', message: 'must not repeat a job id' }],
    });
    expect(createBatch({ ...base, name: '' })._unsafeUnwrapErr()).toEqual({
      type: 'InvalidBatch',
      issues: [{ path: 'name', message: 'must not be empty' }],
    });
  });
});

describe('summarizeBatch', () => {
  it('counts every status, zero when absent', () => {
    expect(summarizeBatch([{ status: 'queued', count: 3, percentSum: 0 }])).toEqual({
      counts: { queued: 3, processing: 0, completed: 0, failed: 0, cancelled: 0 },
      total: 3,
      progress: 0,
      finished: false,
    });
  });

  it('averages percents, counting ended jobs as 100 whatever their stored percent', () => {
    const summary = summarizeBatch([
      { status: 'processing', count: 2, percentSum: 50 }, // 20 % and 30 %
      { status: 'failed', count: 1, percentSum: 12 }, // failed at 12 %: counts as 100
      { status: 'cancelled', count: 1, percentSum: 0 },
      { status: 'completed', count: 1, percentSum: 100 },
      { status: 'queued', count: 1, percentSum: 0 },
    ]);
    // (50 + 100 + 100 + 100 + 0) / 6 = 58.33…
    expect(summary.progress).toBe(58.3);
    expect(summary.total).toBe(6);
    expect(summary.counts).toEqual({ queued: 1, processing: 2, completed: 1, failed: 1, cancelled: 1 });
    expect(summary.finished).toBe(false);
  });

  it('is finished at 100 % when every job ended, even if some failed', () => {
    expect(
      summarizeBatch([
        { status: 'completed', count: 2, percentSum: 200 },
        { status: 'failed', count: 1, percentSum: 0 },
      ]),
    ).toMatchObject({ progress: 100, finished: true });
  });

  it('adds up repeated statuses and clamps impossible sums', () => {
    const summary = summarizeBatch([
      { status: 'processing', count: 1, percentSum: 250 },
      { status: 'processing', count: 1, percentSum: -5 },
    ]);
    expect(summary.counts.processing).toBe(2);
    expect(summary.progress).toBe(50);
  });

  it('is 0 % and not finished for a batch without jobs', () => {
    expect(summarizeBatch([])).toMatchObject({ total: 0, progress: 0, finished: false });
  });
});
