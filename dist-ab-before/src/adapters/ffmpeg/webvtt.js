import { splitSentences } from '../../domain/storyboard.js';
/** Cue limits: characters per line and lines per cue. */
export const CUE_RULES = { maxLineChars: 42, maxLines: 2 };
/**
 * A WebVTT timestamp `HH:MM:SS.mmm` for `seconds` (rounded to the millisecond, never negative).
 */
export function formatVttTimestamp(seconds) {
    const totalMs = Math.max(0, Math.round(seconds * 1000));
    const ms = totalMs % 1000;
    const totalSeconds = Math.floor(totalMs / 1000);
    const pad = (n, width = 2) => String(n).padStart(width, '0');
    return `${pad(Math.floor(totalSeconds / 3600))}:${pad(Math.floor(totalSeconds / 60) % 60)}:${pad(totalSeconds % 60)}.${pad(ms, 3)}`;
}
/** Escapes the characters WebVTT cue text reserves (`&`, `<`, `>`). */
export function escapeVttText(text) {
    return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
/** A complete WebVTT document (`WEBVTT` header, numbered cues, trailing newline). */
export function formatWebVtt(cues) {
    const blocks = cues.map((cue, i) => `${i + 1}\n${formatVttTimestamp(cue.startSeconds)} --> ${formatVttTimestamp(cue.endSeconds)}\n${escapeVttText(cue.text)}`);
    return `WEBVTT\n\n${blocks.join('\n\n')}\n`;
}
/**
 * Splits text into pieces of at most `maxChars` characters at word boundaries (a longer word is
 * cut), so each piece fits one cue of `maxLines` lines.
 */
export function splitCueText(text, maxChars = CUE_RULES.maxLineChars * CUE_RULES.maxLines) {
    const pieces = [];
    let piece = '';
    for (const word of text.split(/\s+/).filter((w) => w.length > 0)) {
        for (const part of chunkWord(word, maxChars)) {
            const candidate = piece ? `${piece} ${part}` : part;
            if (candidate.length <= maxChars)
                piece = candidate;
            else {
                if (piece)
                    pieces.push(piece);
                piece = part;
            }
        }
    }
    if (piece)
        pieces.push(piece);
    return balancePieces(pieces, maxChars);
}
function chunkWord(word, maxChars) {
    const chars = Array.from(word);
    const parts = [];
    for (let i = 0; i < chars.length; i += maxChars)
        parts.push(chars.slice(i, i + maxChars).join(''));
    return parts;
}
/** Avoids a tiny last piece by moving words back from the one before it. */
function balancePieces(pieces, maxChars) {
    const last = pieces.at(-1);
    const before = pieces.at(-2);
    if (last === undefined || before === undefined || last.length >= maxChars / 3)
        return pieces;
    const words = `${before} ${last}`.split(' ');
    const total = words.join(' ').length;
    let head = '';
    let i = 0;
    while (i < words.length && (head ? head.length + 1 : 0) + (words[i]?.length ?? 0) <= total / 2) {
        head = head ? `${head} ${words[i]}` : (words[i] ?? '');
        i += 1;
    }
    const tail = words.slice(i).join(' ');
    if (!head || tail.length > maxChars || head.length > maxChars)
        return pieces;
    return [...pieces.slice(0, -2), head, tail];
}
/**
 * Breaks a cue's text into at most two lines of roughly equal length (at a space near the middle)
 * when it is longer than one line.
 */
export function wrapCueLines(text, maxLineChars = CUE_RULES.maxLineChars) {
    if (text.length <= maxLineChars)
        return text;
    const middle = text.length / 2;
    let best = -1;
    for (let i = text.indexOf(' '); i !== -1; i = text.indexOf(' ', i + 1)) {
        if (best === -1 || Math.abs(i - middle) < Math.abs(best - middle))
            best = i;
    }
    return best === -1 ? text : `${text.slice(0, best)}\n${text.slice(best + 1)}`;
}
/**
 * Cues for each scene: the text is split into sentences (and over-long sentences into cue-sized
 * pieces), and the scene's window is shared among them in proportion to their length, so the
 * cues follow the narration and never cross a scene boundary. Windows shorter than 10 ms and
 * blank texts give no cue.
 */
export function buildSubtitleCues(windows) {
    const cues = [];
    for (const window of windows) {
        const span = window.endSeconds - window.startSeconds;
        const pieces = splitSentences(window.text).flatMap((s) => splitCueText(s));
        const totalChars = pieces.reduce((n, p) => n + p.length, 0);
        if (span < 0.01 || totalChars === 0)
            continue;
        let start = window.startSeconds;
        let charsSoFar = 0;
        for (const piece of pieces) {
            charsSoFar += piece.length;
            const end = charsSoFar === totalChars
                ? window.endSeconds
                : window.startSeconds + (span * charsSoFar) / totalChars;
            cues.push({ startSeconds: start, endSeconds: end, text: wrapCueLines(piece) });
            start = end;
        }
    }
    return cues;
}
//# sourceMappingURL=webvtt.js.map