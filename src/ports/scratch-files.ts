import type { Readable } from 'node:stream';
import type { ResultAsync } from 'neverthrow';
import type { StorageUnavailable } from './errors.js';

/** A private local directory holding one job's temporary files. */
export interface ScratchDirectory {
  /** Absolute path of the directory. */
  readonly path: string;
  /**
   * Streams `body` into a new file `name` of the directory. On failure (the body stream errors,
   * the disk is full) the partial file is removed and the body destroyed.
   * @param name a plain file name (`[A-Za-z0-9._-]`, no path separators): anything else is a
   *   programmer error (rejects)
   * @returns the file's absolute path and its size in bytes
   */
  writeFile(
    name: string,
    body: Readable,
  ): ResultAsync<{ path: string; sizeBytes: number }, StorageUnavailable>;
  /** Deletes the directory and everything in it. Idempotent; never rejects. */
  remove(): Promise<void>;
}

/**
 * Local scratch space for files a job needs on disk for a moment (uploaded assets handed to the
 * renderer). Each directory is removed by its user when done; a directory left by a crashed
 * process is swept by the retention job ({@link ScratchSpace} over the same root).
 */
export interface ScratchFiles {
  /**
   * Creates a fresh, empty directory.
   * @param label part of the directory's name (a job id), sanitised
   */
  createDirectory(label: string): ResultAsync<ScratchDirectory, StorageUnavailable>;
}
