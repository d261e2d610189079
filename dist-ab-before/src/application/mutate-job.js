import { err, ResultAsync } from 'neverthrow';
/** Attempts of read-transition-write before a persistent version conflict is returned. */
const MAX_TRIES = 8;
/**
 * Applies a domain transition to the stored job with optimistic concurrency: read, apply
 * `transition`, write conditionally on the version read; on a `VersionConflict` (a heartbeat,
 * a cancel request or another writer got there first) read again and re-apply, so the
 * transition always sees the latest state and its rules (lease fencing included) decide.
 *
 * @returns the stored job after the transition, the transition's own error, or a repository error.
 */
export function mutateJob(jobs, jobId, transition) {
    const run = async () => {
        let last;
        for (let i = 0; i < MAX_TRIES; i += 1) {
            const current = await jobs.findById(jobId);
            if (current.isErr())
                return err(current.error);
            const next = transition(current.value);
            if (next.isErr())
                return err(next.error);
            if (next.value === current.value)
                return next;
            const stored = await jobs.update(next.value);
            if (stored.isOk() || stored.error.type !== 'VersionConflict')
                return stored;
            last = stored.error;
        }
        return err(last ?? { type: 'VersionConflict', id: jobId, expectedVersion: -1 });
    };
    return new ResultAsync(run());
}
//# sourceMappingURL=mutate-job.js.map