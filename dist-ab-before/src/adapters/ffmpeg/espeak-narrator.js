import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { err, ok } from 'neverthrow';
import { describeFailure } from './process-group.js';
import { parseWav, pcmSeconds } from './wav.js';
/**
 * The command that runs `espeak-child`: the compiled sibling `espeak-child.js` with this Node
 * (`dist/src/adapters/ffmpeg/`), or, when running from TypeScript sources (tsx, vitest), the
 * `.ts` file with `--import tsx` (resolved to an absolute URL, so the working directory does not matter).
 */
export function espeakChildCommand() {
    const here = dirname(fileURLToPath(import.meta.url));
    const compiled = join(here, 'espeak-child.js');
    if (existsSync(compiled))
        return { command: process.execPath, args: [compiled] };
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    return { command: process.execPath, args: ['--import', tsx, join(here, 'espeak-child.ts')] };
}
/**
 * Text to speech with espeak-ng (WASM), run in a separate child process (the synthesizer is
 * GPL-3.0 and is never linked into the service). All scenes are spoken in one run of the child,
 * which reports each finished clip, so progress is per scene.
 */
export class EspeakNarrator {
    #child;
    /** @param child override of the child command (tests); defaults to {@link espeakChildCommand}. */
    constructor(child = espeakChildCommand()) {
        this.#child = child;
    }
    /**
     * Speaks every text. Runs in `group`, so killing the group stops it at once.
     *
     * @param onClip called as each scene's clip is written (with the count done so far)
     * @returns the clips in scene order, or why synthesis failed (an unknown voice is not retryable)
     */
    async synthesize(request, group, onClip) {
        const paths = new Map();
        let partial = '';
        let childError = null;
        const job = {
            voice: request.voice,
            wordsPerMinute: request.wordsPerMinute ?? 160,
            items: request.texts.map((text, index) => ({ index, text })),
        };
        const outcome = await group.run(this.#child.command, [...this.#child.args, request.outDir], {
            stdin: JSON.stringify(job),
            onStdout: (chunk) => {
                const lines = (partial + chunk).split('\n');
                partial = lines.pop() ?? '';
                for (const line of lines) {
                    const message = parseMessage(line);
                    if (message?.type === 'clip') {
                        paths.set(message.index, message.path);
                        onClip(paths.size, request.texts.length);
                    }
                    else if (message?.type === 'error')
                        childError = message.message;
                }
            },
        });
        if (outcome.kind === 'exited' && outcome.code !== 0 && outcome.signal === null) {
            return err({
                message: `speech synthesis failed: ${childError ?? describeFailure(outcome, 'espeak-ng')?.message ?? 'unknown error'}`,
                retryable: outcome.code !== 2,
            });
        }
        const failure = describeFailure(outcome, 'espeak-ng');
        if (failure)
            return err(failure);
        const clips = [];
        for (let index = 0; index < request.texts.length; index += 1) {
            const path = paths.get(index);
            if (path === undefined)
                return err({ message: `espeak-ng gave no clip for scene ${index}`, retryable: true });
            if (path === null) {
                clips.push({ index, path: null, audio: null, seconds: 0 });
                continue;
            }
            const audio = parseWav(await readFile(path));
            if (!audio)
                return err({ message: `espeak-ng wrote an unreadable WAV for scene ${index}`, retryable: false });
            clips.push({ index, path, audio, seconds: pcmSeconds(audio) });
        }
        return ok(clips);
    }
}
function parseMessage(line) {
    try {
        const value = JSON.parse(line);
        if (value?.type === 'clip' && typeof value.index === 'number')
            return value;
        if (value?.type === 'error' && typeof value.message === 'string')
            return value;
    }
    catch {
        /* not a protocol line */
    }
    return null;
}
//# sourceMappingURL=espeak-narrator.js.map