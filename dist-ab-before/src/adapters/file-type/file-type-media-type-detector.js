import { fileTypeFromBuffer } from 'file-type';
/**
 * {@link MediaTypeDetector} with the `file-type` package: signatures of the first 4100 bytes
 * (its "reasonable detection size"). Answers `null` for text and unknown content.
 */
export class FileTypeMediaTypeDetector {
    sampleBytes = 4100;
    async detect(sample) {
        const found = await fileTypeFromBuffer(sample);
        return found?.mime ?? null;
    }
}
//# sourceMappingURL=file-type-media-type-detector.js.map