import { CircuitOpenError, OperationTimeoutError } from '../resilience/resilience-errors.js';
/** S3 error codes that mean "try again later" (throttling, overload, transient server faults). */
const RETRYABLE_CODES = new Set([
    'SlowDown',
    'ServiceUnavailable',
    'InternalError',
    'RequestTimeout',
    'RequestTimeoutException',
    'Throttling',
    'ThrottlingException',
    'ThrottledException',
    'TooManyRequestsException',
    'RequestThrottled',
    'RequestThrottledException',
    'RequestLimitExceeded',
    'BandwidthLimitExceeded',
    'PriorRequestNotComplete',
    'OperationAborted',
]);
/** Socket and DNS errors (Node errno codes and undici codes) of a request that may succeed later. */
const NETWORK_CODES = new Set([
    'ECONNREFUSED',
    'ECONNRESET',
    'ECONNABORTED',
    'ETIMEDOUT',
    'EPIPE',
    'ENOTFOUND',
    'EAI_AGAIN',
    'EHOSTUNREACH',
    'EHOSTDOWN',
    'ENETUNREACH',
    'ENETDOWN',
    'ERR_STREAM_PREMATURE_CLOSE',
    'UND_ERR_SOCKET',
    'UND_ERR_CONNECT_TIMEOUT',
]);
/** Error names the SDK gives to transport failures (`TimeoutError` is also its name for a reset socket). */
const NETWORK_NAMES = new Set(['TimeoutError', 'NetworkingError', 'RequestTimeout']);
function fieldsOf(error) {
    if (typeof error !== 'object' || error === null) {
        return {
            name: undefined,
            code: undefined,
            status: undefined,
            message: String(error),
            sdkRetryable: false,
        };
    }
    const e = error;
    const status = e.$metadata?.httpStatusCode;
    const code = typeof e.Code === 'string' ? e.Code : typeof e.code === 'string' ? e.code : undefined;
    return {
        name: typeof e.name === 'string' ? e.name : undefined,
        code,
        status: typeof status === 'number' ? status : undefined,
        message: typeof e.message === 'string' ? e.message : '',
        sdkRetryable: typeof e.$retryable === 'object' && e.$retryable !== null,
    };
}
/**
 * Whether an S3 call that failed with `error` may succeed if repeated: 5xx, 429/408, throttling
 * (`SlowDown`), S3's `RequestTimeout`, socket and DNS errors, and errors the SDK marks retryable.
 * Not retryable: other 4xx (403 `AccessDenied`, 400, 404, 416), and errors that carry neither a
 * status nor a network code (bugs). This is the classification passed to the resilience policy.
 */
export function isRetryableS3Error(error) {
    if (error instanceof OperationTimeoutError || error instanceof CircuitOpenError)
        return true;
    const { name, code, status, sdkRetryable } = fieldsOf(error);
    if (sdkRetryable)
        return true;
    if (status !== undefined && (status >= 500 || status === 429 || status === 408))
        return true;
    if (name !== undefined && RETRYABLE_CODES.has(name))
        return true;
    if (code !== undefined && (RETRYABLE_CODES.has(code) || NETWORK_CODES.has(code)))
        return true;
    return status === undefined && name !== undefined && NETWORK_NAMES.has(name);
}
/**
 * Maps an S3 failure to what the port reports. `NoSuchKey`/`NotFound` (404) is a missing object;
 * 416 `InvalidRange` a range past the end. `secrets` are redacted from the detail.
 */
export function classifyS3Error(error, secrets = []) {
    const { name, code, status } = fieldsOf(error);
    if (name === 'NoSuchKey' || name === 'NotFound' || code === 'NoSuchKey')
        return { kind: 'not-found' };
    if (name === 'InvalidRange' || code === 'InvalidRange' || status === 416) {
        return { kind: 'range-not-satisfiable' };
    }
    return {
        kind: 'unavailable',
        retryable: isRetryableS3Error(error),
        detail: describeS3Error(error, secrets),
    };
}
/**
 * A one-line description of an S3 failure for messages: `name (HTTP status, code): message`,
 * with anything that looks like a credential or a signature replaced by `[redacted]`.
 */
export function describeS3Error(error, secrets = []) {
    if (error instanceof OperationTimeoutError || error instanceof CircuitOpenError) {
        return redact(error.message, secrets);
    }
    const { name, code, status, message } = fieldsOf(error);
    const labels = [
        status === undefined ? undefined : `HTTP ${status}`,
        code !== name ? code : undefined,
    ].filter((label) => label !== undefined);
    const head = `${name ?? 'Error'}${labels.length > 0 ? ` (${labels.join(', ')})` : ''}`;
    // The SDK says "UnknownError" for an error response without a body (HEAD): the status says more.
    const text = message === '' || message === 'UnknownError' ? '' : `: ${message}`;
    const line = `${head}${text}`.replace(/\s+/g, ' ');
    return redact(line.length > 300 ? `${line.slice(0, 297)}...` : line, secrets);
}
/**
 * Removes secrets from a message: the given values (configured keys, tokens), AWS access key ids,
 * and presigned-URL query parameters (signature, credential, security token).
 */
export function redact(message, secrets) {
    let out = message;
    for (const secret of secrets) {
        if (secret.length >= 4)
            out = out.split(secret).join('[redacted]');
    }
    return out
        .replace(/\b(?:AKIA|ASIA)[A-Z0-9]{12,}\b/g, '[redacted]')
        .replace(/(X-Amz-(?:Signature|Credential|Security-Token)=)[^&\s"']+/gi, '$1[redacted]');
}
/** The port's `StorageUnavailable` for an S3 failure `detail` (already described and redacted). */
export function storageUnavailable(action, subject, bucket, detail, retryable) {
    return {
        type: 'StorageUnavailable',
        message: `s3 storage: cannot ${action} ${subject} in bucket ${JSON.stringify(bucket)} (${detail})`,
        retryable,
    };
}
//# sourceMappingURL=s3-error.js.map