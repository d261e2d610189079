import {
  createResiliencePolicy,
  type BreakerOptions,
  type ResiliencePolicy,
  type RetryOptions,
} from '../resilience/resilience-policy.js';
import { isRetryableS3Error } from './s3-error.js';

/** Overrides for {@link createS3ResiliencePolicy}; every field has a default. */
export interface S3ResilienceOptions {
  /** Per-attempt timeout of one S3 request (headers, not a streamed body), in ms. Default 10,000. */
  readonly timeoutMs?: number;
  /** Default: 3 attempts, 100 ms initial delay, 2,000 ms max delay, with jitter. */
  readonly retry?: RetryOptions;
  /** Default: open after 5 consecutive retryable failures, trial call after 10,000 ms. */
  readonly breaker?: BreakerOptions;
}

/**
 * The resilience policy for one S3 endpoint, classified by {@link isRetryableS3Error}
 * (5xx, `SlowDown`, timeouts and network errors retried; 403/400/404 not).
 * Build the `S3Client` with `maxAttempts: 1` next to it (S3ObjectStorage does when it builds the client).
 */
export function createS3ResiliencePolicy(options: S3ResilienceOptions = {}): ResiliencePolicy {
  return createResiliencePolicy({
    name: 's3',
    isRetryable: isRetryableS3Error,
    timeoutMs: options.timeoutMs ?? 10_000,
    retry: options.retry ?? { maxAttempts: 3, initialDelayMs: 100, maxDelayMs: 2_000 },
    breaker: options.breaker ?? { kind: 'consecutive', failures: 5, halfOpenAfterMs: 10_000 },
  });
}
