import type { MediaTypeDetector } from '../ports/media-type-detector.js';

/**
 * A {@link MediaTypeDetector} whose implementation is loaded on the first detection: the
 * composition root gives it a `load` function that imports the file-type adapter (file-type and
 * its tokenizers, ~10 MB RSS), which only uploads need. `sampleBytes` is given up front because
 * callers read it before the first detection; a test checks it equals the adapter's.
 *
 * `load` runs at most once at a time; a failed load is retried on the next call.
 */
export class DeferredMediaTypeDetector implements MediaTypeDetector {
  readonly sampleBytes: number;
  readonly #load: () => Promise<MediaTypeDetector>;
  #loading: Promise<MediaTypeDetector> | null = null;

  constructor(sampleBytes: number, load: () => Promise<MediaTypeDetector>) {
    this.sampleBytes = sampleBytes;
    this.#load = load;
  }

  /**
   * Loads the implementation, then detects.
   * @throws whatever `load` throws (the upload then fails with a 500, as a throwing detector would).
   */
  async detect(sample: Uint8Array): Promise<string | null> {
    this.#loading ??= this.#load().catch((error: unknown) => {
      this.#loading = null;
      throw error;
    });
    return (await this.#loading).detect(sample);
  }
}
