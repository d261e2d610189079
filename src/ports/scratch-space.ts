import type { ResultAsync } from 'neverthrow';
import type { StorageUnavailable } from './errors.js';

/**
 * The local working area of renders (`DATA_DIR/tmp`): one directory per render, removed by the
 * renderer when the render ends. Directories left by a crashed process stay until removed here.
 */
export interface ScratchSpace {
  /**
   * Removes every top-level entry last modified before `cutoff` (with its contents).
   * @returns how many entries were removed (0 when the area does not exist).
   */
  removeOlderThan(cutoff: Date): ResultAsync<number, StorageUnavailable>;
}
