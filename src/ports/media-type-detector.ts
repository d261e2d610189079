/**
 * Recognises a file's media type from its first bytes (magic numbers), never from a name or a
 * client's Content-Type. Text has no magic number: the detector answers `null` for it.
 */
export interface MediaTypeDetector {
  /** How many leading bytes {@link MediaTypeDetector.detect} needs to see (fewer when the file is shorter). */
  readonly sampleBytes: number;
  /** The media type (e.g. `image/png`, `application/pdf`), or `null` when no signature matched. */
  detect(sample: Uint8Array): Promise<string | null>;
}
