import { accessSync, chmodSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
/**
 * Finds a binary: the explicit path when given (config `FFMPEG_PATH`/`FFPROBE_PATH`), otherwise
 * the one shipped by the npm installer package (`@ffmpeg-installer/ffmpeg`,
 * `@ffprobe-installer/ffprobe`). A shipped binary that lost its exec bit (install scripts skipped)
 * is made executable; an explicit path is used as given.
 *
 * @param explicitPath path from configuration, if any
 * @param installerPackage the npm package whose export `{ path }` names the binary
 * @param warn called with a message when the binary could not be made executable
 */
export function locateBinary(explicitPath, installerPackage, warn) {
    if (explicitPath !== undefined && explicitPath !== '')
        return { path: explicitPath };
    let path;
    try {
        path = require(installerPackage).path;
    }
    catch (error) {
        return {
            problem: `${installerPackage} is not usable: ${error instanceof Error ? error.message : String(error)}`,
        };
    }
    ensureExecutable(path, warn);
    return { path };
}
/** Adds the exec bits to `path` when the current user cannot execute it. */
export function ensureExecutable(path, warn) {
    try {
        accessSync(path, constants.X_OK);
    }
    catch {
        try {
            chmodSync(path, statSync(path).mode | 0o111);
        }
        catch (error) {
            warn(`cannot make ${path} executable: ${error instanceof Error ? error.message : String(error)}`);
        }
    }
}
//# sourceMappingURL=binaries.js.map