import { fileTypeFromBuffer } from 'file-type';
import type { MediaTypeDetector } from '../../ports/media-type-detector.js';

/**
 * {@link MediaTypeDetector} with the `file-type` package: signatures of the first 4100 bytes
 * (its "reasonable detection size"). Answers `null` for text and unknown content.
 */
export class FileTypeMediaTypeDetector implements MediaTypeDetector {
  readonly sampleBytes = 4100;

  async detect(sample: Uint8Array): Promise<string | null> {
    const found = await fileTypeFromBuffer(sample);
    return found?.mime ?? null;
  }
}
