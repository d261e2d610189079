/**
 * errno codes we expect from a local filesystem. Retryable: space may be freed, descriptors
 * released, a busy or flaky device may recover. Not retryable: permissions, read-only mounts,
 * names the filesystem cannot hold, a key colliding with another key's directory.
 */
const ERRNO = {
    ENOSPC: { text: 'no space left on device', retryable: true },
    EDQUOT: { text: 'disk quota exceeded', retryable: true },
    EIO: { text: 'I/O error', retryable: true },
    EMFILE: { text: 'too many open files in the process', retryable: true },
    ENFILE: { text: 'too many open files in the system', retryable: true },
    EBUSY: { text: 'resource busy', retryable: true },
    EAGAIN: { text: 'resource temporarily unavailable', retryable: true },
    ETIMEDOUT: { text: 'timed out', retryable: true },
    ESTALE: { text: 'stale file handle', retryable: true },
    EACCES: { text: 'permission denied', retryable: false },
    EPERM: { text: 'operation not permitted', retryable: false },
    EROFS: { text: 'read-only filesystem', retryable: false },
    ENAMETOOLONG: { text: 'name too long for the filesystem', retryable: false },
    ENOTDIR: { text: 'a key segment is an object, not a directory', retryable: false },
    EISDIR: { text: 'the key is a directory of other keys', retryable: false },
    EEXIST: { text: 'a key segment is an object, not a directory', retryable: false },
    ENOENT: { text: 'no such file or directory', retryable: false },
};
/** The `code` of a Node.js system error, if it has one. */
export function errnoCode(cause) {
    if (typeof cause === 'object' && cause !== null && 'code' in cause) {
        const { code } = cause;
        if (typeof code === 'string')
            return code;
    }
    return undefined;
}
/**
 * Maps a filesystem error to the port's `StorageUnavailable`.
 * The message names the action, the object key and the errno, never an absolute path (messages
 * reach logs and health output). Unknown errno codes are retryable; errors without a code are not.
 */
export function storageUnavailableFromFs(cause, action, key) {
    const code = errnoCode(cause);
    const known = code === undefined ? undefined : ERRNO[code];
    const detail = known !== undefined
        ? `${code}: ${known.text}`
        : code !== undefined
            ? `${code}`
            : cause instanceof Error
                ? cause.message
                : String(cause);
    return {
        type: 'StorageUnavailable',
        message: `disk storage: cannot ${action} ${JSON.stringify(key)} (${detail})`,
        retryable: known?.retryable ?? code !== undefined,
    };
}
//# sourceMappingURL=fs-storage-error.js.map