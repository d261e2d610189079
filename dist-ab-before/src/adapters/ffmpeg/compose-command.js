/** Output audio sample rate (Hz). */
export const OUTPUT_SAMPLE_RATE = 44_100;
/**
 * The filter graph: each PNG is decoded once, converted to yuv420p once, repeated for its slot's
 * frame count (`loop`), re-timed to exact frame timestamps (`setpts=N/(fps*TB)`) and faded in and
 * out by frame numbers; the scenes are concatenated. No `fps` filter: timestamps are already on
 * the frame grid, so no frame is padded or dropped. Fade frames are the expensive ones to encode
 * (~14 ms CPU each at 720p veryfast), hence short fades. The audio is normalised with
 * `dynaudnorm` (single-pass `loudnorm` measured ~0.5 s per 30 s of audio, dynaudnorm ~0.02 s) and
 * resampled to 44.1 kHz.
 */
export function composeFilterGraph(timeline, audioInput) {
    const chains = timeline.slots.map((slot, i) => {
        const fadeOutStart = Math.max(0, slot.frames - slot.fadeFrames);
        return (`[${i}:v]format=yuv420p,loop=loop=${slot.frames - 1}:size=1:start=0,setpts=N/(${timeline.fps}*TB),` +
            `fade=t=in:s=0:n=${slot.fadeFrames},fade=t=out:s=${fadeOutStart}:n=${slot.fadeFrames}[v${i}]`);
    });
    const labels = timeline.slots.map((_, i) => `[v${i}]`).join('');
    return [
        ...chains,
        `${labels}concat=n=${timeline.slots.length}:v=1:a=0[vout]`,
        `[${audioInput}:a]dynaudnorm=f=150:g=15:p=0.9:m=8,aresample=${OUTPUT_SAMPLE_RATE}[aout]`,
    ].join(';');
}
/**
 * Arguments for the single ffmpeg run that writes the MP4: H.264 (libx264, yuv420p, preset and CRF
 * from the settings), mono AAC at the settings' bitrate, an optional `mov_text` subtitle track,
 * `+faststart`, and machine-readable progress on stdout (`-progress pipe:1 -nostats`).
 */
export function composeArgs(input) {
    const { timeline, settings } = input;
    const fps = String(timeline.fps);
    const audioInput = input.scenePngs.length;
    const subtitleInput = audioInput + 1;
    return [
        '-hide_banner',
        '-nostdin',
        '-y',
        '-loglevel',
        'error',
        '-progress',
        'pipe:1',
        '-nostats',
        ...input.scenePngs.flatMap((png) => ['-framerate', fps, '-i', png]),
        '-i',
        input.audioWav,
        ...(input.subtitlesVtt ? ['-i', input.subtitlesVtt] : []),
        '-filter_complex',
        composeFilterGraph(timeline, audioInput),
        '-map',
        '[vout]',
        '-map',
        '[aout]',
        ...(input.subtitlesVtt ? ['-map', `${subtitleInput}:s`, '-c:s', 'mov_text'] : []),
        '-c:v',
        'libx264',
        '-preset',
        settings.preset,
        '-crf',
        String(settings.crf),
        '-pix_fmt',
        'yuv420p',
        '-threads',
        String(input.threads ?? 0),
        '-c:a',
        'aac',
        '-b:a',
        `${settings.audioBitrateKbps}k`,
        '-ac',
        '1',
        '-movflags',
        '+faststart',
        input.output,
    ];
}
/**
 * Arguments for the thumbnail: one frame at `atSeconds` (input seeking), scaled to 640 px wide,
 * JPEG quality 3.
 */
export function thumbnailArgs(video, output, atSeconds) {
    return [
        '-hide_banner',
        '-nostdin',
        '-y',
        '-loglevel',
        'error',
        '-ss',
        atSeconds.toFixed(3),
        '-i',
        video,
        '-frames:v',
        '1',
        '-vf',
        'scale=640:-2',
        '-q:v',
        '3',
        output,
    ];
}
//# sourceMappingURL=compose-command.js.map