import fs from 'node:fs';
import path from 'node:path';
/** File name of the lock kept inside an embedded (PGlite) data directory. */
export const LOCK_FILE_NAME = 'framecast.lock';
/** Whether a process with this id is alive (EPERM means it exists but belongs to another user). */
function isAlive(pid) {
    try {
        process.kill(pid, 0);
        return true;
    }
    catch (cause) {
        return cause.code === 'EPERM';
    }
}
/** Reads the PID written in a lock file; `null` when the file is gone or unreadable. */
function readOwner(lockPath) {
    try {
        const pid = Number.parseInt(fs.readFileSync(lockPath, 'utf8').trim(), 10);
        return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
    }
    catch {
        return null;
    }
}
/**
 * Takes the lock of an embedded data directory so that only one process opens it (PGlite itself
 * opens a directory twice without complaint and corrupts it). Creates the directory when missing,
 * then creates `<dataDir>/framecast.lock` exclusively with this process's PID. A lock left by a
 * process that no longer runs (a crash) is taken over.
 *
 * @param dataDir the data directory (absolute or relative to the working directory).
 * @throws Error naming the directory and the owning PID when a live process (this one included)
 *   holds the lock; file-system errors (EACCES, ENOSPC, ...) are thrown as they are.
 */
export function lockDataDir(dataDir) {
    const dir = path.resolve(dataDir);
    fs.mkdirSync(dir, { recursive: true });
    const lockPath = path.join(dir, LOCK_FILE_NAME);
    for (let attempt = 0; attempt < 3; attempt += 1) {
        try {
            fs.writeFileSync(lockPath, `${process.pid}\n`, { flag: 'wx' });
            return heldLock(lockPath);
        }
        catch (cause) {
            if (cause.code !== 'EEXIST')
                throw cause;
        }
        const owner = readOwner(lockPath);
        if (owner !== null && isAlive(owner)) {
            throw new Error(`PGlite data directory ${dir} is already in use by process ${owner}` +
                `${owner === process.pid ? ' (this process)' : ''}: only one process may open it. ` +
                `Stop that process, or delete ${lockPath} if you are sure it is stale.`);
        }
        // Stale (dead owner or unreadable content): remove it and try again.
        fs.rmSync(lockPath, { force: true });
    }
    throw new Error(`could not take the lock ${lockPath} of PGlite data directory ${dir}: it keeps changing`);
}
function heldLock(lockPath) {
    let held = true;
    const release = () => {
        if (!held)
            return;
        held = false;
        process.removeListener('exit', release);
        // Only remove a lock that is still ours.
        if (readOwner(lockPath) === process.pid)
            fs.rmSync(lockPath, { force: true });
    };
    // A process that exits without closing the database still leaves no lock behind.
    process.once('exit', release);
    return { path: lockPath, release };
}
//# sourceMappingURL=data-dir-lock.js.map