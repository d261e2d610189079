const MAGIC = Buffer.from('\nFCOBJ1\n', 'latin1');
/** Length field (4 bytes) plus magic (8 bytes). */
export const FOOTER_BYTES = 4 + MAGIC.length;
/** Upper bound of the JSON metadata, to refuse garbage before reading it. */
export const MAX_META_BYTES = 64 * 1024;
const FORMAT_VERSION = 1;
/** Serialises the metadata and the footer that follow the object bytes in the file. */
export function encodeTrailer(meta) {
    const json = Buffer.from(JSON.stringify({
        v: FORMAT_VERSION,
        size: meta.size,
        contentType: meta.contentType,
        etag: meta.etag,
        lastModified: meta.lastModified.toISOString(),
    }), 'utf8');
    if (json.length > MAX_META_BYTES)
        throw new RangeError(`object metadata exceeds ${MAX_META_BYTES} bytes`);
    const footer = Buffer.alloc(FOOTER_BYTES);
    footer.writeUInt32BE(json.length, 0);
    MAGIC.copy(footer, 4);
    return Buffer.concat([json, footer]);
}
/** Total trailer length (JSON + footer) from the last {@link FOOTER_BYTES} of a file, or `null` when they are not a footer. */
export function parseFooter(footer) {
    if (footer.length !== FOOTER_BYTES || !footer.subarray(4).equals(MAGIC))
        return null;
    const metaLength = footer.readUInt32BE(0);
    return metaLength > MAX_META_BYTES ? null : metaLength + FOOTER_BYTES;
}
/** Parses the JSON metadata of a file whose data part is `dataSize` bytes, or `null` when it does not fit. */
export function parseMeta(json, dataSize) {
    let value;
    try {
        value = JSON.parse(json.toString('utf8'));
    }
    catch {
        return null;
    }
    if (typeof value !== 'object' || value === null)
        return null;
    const v = value;
    if (v['v'] !== FORMAT_VERSION ||
        v['size'] !== dataSize ||
        typeof v['contentType'] !== 'string' ||
        typeof v['etag'] !== 'string' ||
        typeof v['lastModified'] !== 'string') {
        return null;
    }
    const lastModified = new Date(v['lastModified']);
    if (Number.isNaN(lastModified.getTime()))
        return null;
    return { size: dataSize, contentType: v['contentType'], etag: v['etag'], lastModified };
}
async function readExactly(file, length, position) {
    const buffer = Buffer.alloc(length);
    let done = 0;
    while (done < length) {
        const { bytesRead } = await file.read(buffer, done, length - done, position + done);
        if (bytesRead === 0)
            break;
        done += bytesRead;
    }
    return done === length ? buffer : buffer.subarray(0, done);
}
/**
 * Reads the metadata of an open object file of `fileSize` bytes (two small positional reads).
 * @returns the metadata, or `null` when the file is not in this format (foreign or truncated).
 * @throws the filesystem's error when a read fails.
 */
export async function readTrailer(file, fileSize) {
    if (fileSize < FOOTER_BYTES)
        return null;
    const trailerLength = parseFooter(await readExactly(file, FOOTER_BYTES, fileSize - FOOTER_BYTES));
    if (trailerLength === null || trailerLength > fileSize)
        return null;
    const dataSize = fileSize - trailerLength;
    const json = await readExactly(file, trailerLength - FOOTER_BYTES, dataSize);
    return parseMeta(json, dataSize);
}
//# sourceMappingURL=object-trailer.js.map