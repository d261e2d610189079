import { err, ok } from 'neverthrow';
import { isTerminal, JOB_STATUSES } from './job.js';
export const BATCH_LIMITS = { nameMaxChars: 200 };
/**
 * Checks the number of jobs of a batch request: 1 to `limit`.
 * @returns `BatchTooLarge` above the limit, `InvalidBatch` (path `jobs`) when empty.
 */
export function checkBatchSize(size, limit) {
    if (size > limit)
        return err({ type: 'BatchTooLarge', size, limit });
    if (size < 1)
        return err({ type: 'InvalidBatch', issues: [{ path: 'jobs', message: 'must list at least one job' }] });
    return ok(undefined);
}
/**
 * Reads an optional batch name: absent or `null` gives `null`; a string is trimmed and must keep
 * 1–200 characters.
 * @returns the name, or the issue at path `name`.
 */
export function parseBatchName(name) {
    if (name === undefined || name === null)
        return ok(null);
    if (typeof name !== 'string')
        return err({ path: 'name', message: 'must be a string' });
    const trimmed = name.trim().replace(/\s+/g, ' ');
    if (trimmed.length === 0)
        return err({ path: 'name', message: 'must not be empty' });
    if (trimmed.length > BATCH_LIMITS.nameMaxChars)
        return err({ path: 'name', message: `must be at most ${BATCH_LIMITS.nameMaxChars} characters` });
    return ok(trimmed);
}
/**
 * Creates a batch of already-validated jobs.
 * @returns the batch, `BatchTooLarge`, or `InvalidBatch` (empty, bad name, or a job id twice).
 */
export function createBatch(input) {
    const size = checkBatchSize(input.jobIds.length, input.maxJobs);
    if (size.isErr())
        return err(size.error);
    if (new Set(input.jobIds).size !== input.jobIds.length)
        return err({ type: 'InvalidBatch', issues: [{ path: 'jobs', message: 'must not repeat a job id' }] });
    const name = parseBatchName(input.name);
    if (name.isErr())
        return err({ type: 'InvalidBatch', issues: [name.error] });
    return ok({
        id: input.id,
        ownerId: input.ownerId,
        name: name.value,
        jobIds: Object.freeze([...input.jobIds]),
        createdAt: input.now,
    });
}
/** Aggregates the tallies of a batch's jobs (any order; a status may repeat or be missing). */
export function summarizeBatch(tallies) {
    const counts = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0]));
    let total = 0;
    let percent = 0;
    for (const t of tallies) {
        counts[t.status] += t.count;
        total += t.count;
        percent += isTerminal(t.status) ? 100 * t.count : Math.min(100 * t.count, Math.max(0, t.percentSum));
    }
    const progress = total === 0 ? 0 : Math.round((percent / total) * 10) / 10;
    const ended = counts.completed + counts.failed + counts.cancelled;
    return { counts, total, progress, finished: total > 0 && ended === total };
}
//# sourceMappingURL=batch.js.map