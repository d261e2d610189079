import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ResultAsync } from 'neverthrow';
import type { StorageUnavailable } from '../../ports/errors.js';
import type { ScratchDirectory, ScratchFiles } from '../../ports/scratch-files.js';

const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

const unavailable = (what: string, error: unknown): StorageUnavailable => ({
  type: 'StorageUnavailable',
  message: `${what}: ${error instanceof Error ? error.message : String(error)}`,
  retryable: true,
});

/**
 * {@link ScratchFiles} on a local directory (the renderer's work root, `DATA_DIR/tmp` by default,
 * so the retention sweep of stale render directories also removes ones left by a crash).
 * Directories are named `assets-<label>-<random>`.
 */
export class FsScratchFiles implements ScratchFiles {
  constructor(private readonly rootDir: string) {}

  createDirectory(label: string): ResultAsync<ScratchDirectory, StorageUnavailable> {
    const safe = label.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40) || 'job';
    const make = async (): Promise<ScratchDirectory> => {
      await mkdir(this.rootDir, { recursive: true });
      return new FsScratchDirectory(await mkdtemp(path.join(this.rootDir, `assets-${safe}-`)));
    };
    return ResultAsync.fromPromise(make(), (error) =>
      unavailable(`scratch directory in ${this.rootDir}`, error),
    );
  }
}

class FsScratchDirectory implements ScratchDirectory {
  #removed: Promise<void> | undefined;

  constructor(readonly path: string) {}

  writeFile(
    name: string,
    body: Readable,
  ): ResultAsync<{ path: string; sizeBytes: number }, StorageUnavailable> {
    if (!FILE_NAME.test(name)) throw new Error(`invalid scratch file name: ${JSON.stringify(name)}`);
    const file = path.join(this.path, name);
    const write = async (): Promise<{ path: string; sizeBytes: number }> => {
      const out = createWriteStream(file, { flags: 'wx' });
      try {
        await pipeline(body, out);
      } catch (error) {
        body.destroy();
        await rm(file, { force: true }).catch(() => undefined);
        throw error;
      }
      return { path: file, sizeBytes: out.bytesWritten };
    };
    return ResultAsync.fromPromise(write(), (error) => unavailable(`writing ${file}`, error));
  }

  remove(): Promise<void> {
    this.#removed ??= rm(this.path, { recursive: true, force: true, maxRetries: 3, retryDelay: 20 }).catch(
      () => undefined,
    );
    return this.#removed;
  }
}
