import { createResiliencePolicy, } from '../resilience/resilience-policy.js';
import { isRetryableS3Error } from './s3-error.js';
/**
 * The resilience policy for one S3 endpoint, classified by {@link isRetryableS3Error}
 * (5xx, `SlowDown`, timeouts and network errors retried; 403/400/404 not).
 * Build the `S3Client` with `maxAttempts: 1` next to it (S3ObjectStorage does when it builds the client).
 */
export function createS3ResiliencePolicy(options = {}) {
    return createResiliencePolicy({
        name: 's3',
        isRetryable: isRetryableS3Error,
        timeoutMs: options.timeoutMs ?? 10_000,
        retry: options.retry ?? { maxAttempts: 3, initialDelayMs: 100, maxDelayMs: 2_000 },
        breaker: options.breaker ?? { kind: 'consecutive', failures: 5, halfOpenAfterMs: 10_000 },
    });
}
//# sourceMappingURL=s3-resilience.js.map