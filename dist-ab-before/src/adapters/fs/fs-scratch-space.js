import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { ResultAsync } from 'neverthrow';
const isMissing = (error) => error?.code === 'ENOENT';
/**
 * {@link ScratchSpace} on a local directory (the renderer's `workRoot`). Age is the entry's
 * modification time; an entry that vanishes meanwhile (its render ended) is skipped.
 */
export class FsScratchSpace {
    rootDir;
    constructor(rootDir) {
        this.rootDir = rootDir;
    }
    removeOlderThan(cutoff) {
        const run = async () => {
            let names;
            try {
                names = await readdir(this.rootDir);
            }
            catch (error) {
                if (isMissing(error))
                    return 0;
                throw error;
            }
            let removed = 0;
            for (const name of names) {
                const entry = path.join(this.rootDir, name);
                try {
                    const info = await stat(entry);
                    if (info.mtime.getTime() >= cutoff.getTime())
                        continue;
                    await rm(entry, { recursive: true, force: true });
                    removed += 1;
                }
                catch (error) {
                    if (!isMissing(error))
                        throw error;
                }
            }
            return removed;
        };
        return ResultAsync.fromPromise(run(), (error) => ({
            type: 'StorageUnavailable',
            message: `scratch space ${this.rootDir}: ${error instanceof Error ? error.message : String(error)}`,
            retryable: true,
        }));
    }
}
//# sourceMappingURL=fs-scratch-space.js.map