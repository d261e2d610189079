/**
 * Reads a RIFF/WAVE file holding integer PCM (format 1). Returns `null` for anything else.
 * A data chunk whose declared size runs past the end (streamed WAVs) is read to the end of file.
 */
export function parseWav(file) {
    if (file.length < 12 || file.toString('ascii', 0, 4) !== 'RIFF' || file.toString('ascii', 8, 12) !== 'WAVE')
        return null;
    let format = null;
    let offset = 12;
    while (offset + 8 <= file.length) {
        const id = file.toString('ascii', offset, offset + 4);
        const size = file.readUInt32LE(offset + 4);
        const body = offset + 8;
        if (id === 'fmt ' && body + 16 <= file.length) {
            if (file.readUInt16LE(body) !== 1)
                return null;
            format = {
                channels: file.readUInt16LE(body + 2),
                sampleRate: file.readUInt32LE(body + 4),
                bitsPerSample: file.readUInt16LE(body + 14),
            };
        }
        else if (id === 'data') {
            if (format === null)
                return null;
            const end = size === 0 || body + size > file.length ? file.length : body + size;
            return { ...format, data: file.subarray(body, end) };
        }
        offset = body + size + (size % 2);
    }
    return null;
}
/** Length of `audio` in seconds. */
export function pcmSeconds(audio) {
    const frameBytes = (audio.channels * audio.bitsPerSample) / 8;
    return frameBytes > 0 && audio.sampleRate > 0 ? audio.data.length / frameBytes / audio.sampleRate : 0;
}
/** A 44-byte-header WAV file of `audio`. */
export function encodeWav(audio) {
    const header = Buffer.alloc(44);
    const blockAlign = (audio.channels * audio.bitsPerSample) / 8;
    header.write('RIFF', 0, 'ascii');
    header.writeUInt32LE(36 + audio.data.length, 4);
    header.write('WAVE', 8, 'ascii');
    header.write('fmt ', 12, 'ascii');
    header.writeUInt32LE(16, 16);
    header.writeUInt16LE(1, 20);
    header.writeUInt16LE(audio.channels, 22);
    header.writeUInt32LE(audio.sampleRate, 24);
    header.writeUInt32LE(audio.sampleRate * blockAlign, 28);
    header.writeUInt16LE(blockAlign, 32);
    header.writeUInt16LE(audio.bitsPerSample, 34);
    header.write('data', 36, 'ascii');
    header.writeUInt32LE(audio.data.length, 40);
    return Buffer.concat([header, audio.data]);
}
/**
 * The narration track for a timeline: mono 16-bit PCM at `sampleRate` Hz, each clip placed at
 * its slot's speech start, silence elsewhere, and exactly `totalSeconds` long (scene boundaries
 * fall on the same sample as the video's frame boundaries). A clip longer than its slot is cut.
 *
 * @param clips per-scene speech (mono 16-bit at `sampleRate`), or `null` for a silent scene
 * @returns the WAV file, or `null` when a clip has another format
 */
export function layoutNarrationTrack(timeline, clips, sampleRate) {
    const toSample = (seconds) => Math.round(seconds * sampleRate);
    const data = Buffer.alloc(toSample(timeline.totalSeconds) * 2);
    for (const slot of timeline.slots) {
        const clip = clips[slot.index];
        if (!clip)
            continue;
        if (clip.sampleRate !== sampleRate || clip.channels !== 1 || clip.bitsPerSample !== 16)
            return null;
        const start = toSample(slot.speechStartSeconds) * 2;
        const end = toSample(slot.endSeconds) * 2;
        clip.data.copy(data, start, 0, Math.max(0, Math.min(clip.data.length, end - start)) & ~1);
    }
    return encodeWav({ sampleRate, channels: 1, bitsPerSample: 16, data });
}
//# sourceMappingURL=wav.js.map