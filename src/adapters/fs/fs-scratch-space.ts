import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { ResultAsync } from 'neverthrow';
import type { StorageUnavailable } from '../../ports/errors.js';
import type { ScratchSpace } from '../../ports/scratch-space.js';

const isMissing = (error: unknown): boolean => (error as { code?: string } | null)?.code === 'ENOENT';

/**
 * {@link ScratchSpace} on a local directory (the renderer's `workRoot`). Age is the entry's
 * modification time; an entry that vanishes meanwhile (its render ended) is skipped.
 */
export class FsScratchSpace implements ScratchSpace {
  constructor(private readonly rootDir: string) {}

  removeOlderThan(cutoff: Date): ResultAsync<number, StorageUnavailable> {
    const run = async (): Promise<number> => {
      let names: string[];
      try {
        names = await readdir(this.rootDir);
      } catch (error) {
        if (isMissing(error)) return 0;
        throw error;
      }
      let removed = 0;
      for (const name of names) {
        const entry = path.join(this.rootDir, name);
        try {
          const info = await stat(entry);
          if (info.mtime.getTime() >= cutoff.getTime()) continue;
          await rm(entry, { recursive: true, force: true });
          removed += 1;
        } catch (error) {
          if (!isMissing(error)) throw error;
        }
      }
      return removed;
    };
    return ResultAsync.fromPromise(run(), (error) => ({
      type: 'StorageUnavailable' as const,
      message: `scratch space ${this.rootDir}: ${error instanceof Error ? error.message : String(error)}`,
      retryable: true,
    }));
  }
}
