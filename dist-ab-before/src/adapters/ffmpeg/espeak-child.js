/**
 * The speech synthesizer process (run by {@link EspeakNarrator}, never imported by the service).
 *
 * espeak-ng is GPL-3.0, so it runs here, in its own process, as FFmpeg does: the service only
 * exchanges text and WAV files with it. Usage: `node espeak-child.js <outDir>` with a JSON job on
 * stdin: `{ "voice": "en-us", "wordsPerMinute": 160, "items": [{ "index": 0, "text": "..." }] }`.
 * For each item it writes `<outDir>/speech-<index>.wav` (mono 16-bit PCM, 22,050 Hz) and prints one
 * JSON line `{ "type": "clip", "index": 0, "path": "..." }` (`path: null` for blank text). On a
 * failure it prints `{ "type": "error", "message": "..." }` and exits with 2 (bad input, such as an
 * unknown voice) or 1 (anything else).
 */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
const wasm = globalThis.WebAssembly;
class InputError extends Error {
}
const send = (message) => {
    process.stdout.write(`${JSON.stringify(message)}\n`);
};
async function readStdin() {
    const chunks = [];
    for await (const chunk of process.stdin)
        chunks.push(chunk);
    return Buffer.concat(chunks).toString('utf8');
}
function parseJob(text) {
    const job = JSON.parse(text);
    if (typeof job.voice !== 'string' || !/^[a-z0-9+-]{2,40}$/i.test(job.voice))
        throw new InputError('voice must be an espeak-ng voice name');
    if (!Array.isArray(job.items))
        throw new InputError('items must be an array');
    return job;
}
async function loadFactory() {
    const entry = createRequire(import.meta.url).resolve('espeak-ng');
    const factory = (await import(pathToFileURL(entry).href)).default;
    return { factory, wasmPath: join(dirname(entry), 'espeak-ng.wasm') };
}
/** Speaks the batch's items one after the other, reporting each written clip. */
async function speak(batch, factory, emit) {
    for (const item of batch.items) {
        const text = item.text.trim();
        if (!text) {
            emit({ type: 'clip', index: item.index, path: null });
            continue;
        }
        const messages = [];
        const espeak = await factory({
            arguments: ['-v', batch.voice, '-s', batch.rate, '-w', '/out.wav', '-f', '/in.txt'],
            print: (line) => messages.push(line),
            printErr: (line) => messages.push(line),
            preRun: [(module) => module.FS.writeFile('/in.txt', text)],
            instantiateWasm: (imports, done) => {
                void wasm.instantiate(batch.compiled, imports).then((instance) => done(instance, batch.compiled));
                return {};
            },
        });
        let wav;
        try {
            wav = espeak.FS.readFile('/out.wav');
        }
        catch {
            const reason = messages.find((m) => /error/i.test(m) && !/keepRuntimeAlive/.test(m));
            throw new InputError(`espeak-ng produced no audio for scene ${item.index}: ${reason ?? messages.join(' ')}`);
        }
        const path = join(batch.outDir, `speech-${item.index}.wav`);
        await writeFile(path, wav);
        emit({ type: 'clip', index: item.index, path });
    }
}
async function main() {
    const outDir = process.argv[2];
    if (!outDir)
        throw new InputError('usage: espeak-child <outDir> < job.json');
    const job = parseJob(await readStdin());
    const { factory, wasmPath } = await loadFactory();
    // Compile the 18 MB module once; each utterance then only instantiates it (~0.1 s).
    const compiled = await wasm.compile(readFileSync(wasmPath));
    const rate = String(Math.round(job.wordsPerMinute ?? 160));
    // One thread: two worker threads saved only ~0.05 s on four scenes (measured), not worth it.
    await speak({ voice: job.voice, rate, outDir, items: job.items, compiled }, factory, send);
}
main().then(() => process.exit(0), (error) => {
    send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    process.exit(error instanceof InputError || error instanceof SyntaxError ? 2 : 1);
});
//# sourceMappingURL=espeak-child.js.map