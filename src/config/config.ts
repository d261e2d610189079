import path from 'node:path';
import { z } from 'zod';
import { validateClerkSettings } from '../adapters/clerk/clerk-settings.js';

/**
 * Configuration (DESIGN §7): one zod schema over environment variables, validated at start-up
 * with every problem listed at once, then reshaped into nested areas. README lists every variable.
 */

const APP_ENVS = ['development', 'test', 'production'] as const;
export type AppEnv = (typeof APP_ENVS)[number];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

/** The flat environment schema; names are the public contract of scripts and deployments. */
export const envSchema = z.object({
  APP_ENV: z.enum(APP_ENVS).default('development'),
  PORT: int(0, 65_535).default(8080),
  HOST: optionalString,
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  DATA_DIR: z.string().trim().min(1).default('./data'),
  FRAMECAST_API_KEY: optionalString.pipe(
    z
      .string()
      .min(16, 'must be at least 16 characters (use a random secret)')
      .max(256, 'must be at most 256 characters')
      .regex(/^\S+$/, 'must not contain whitespace')
      .optional(),
  ),
  WORKER_CONCURRENCY: int(0, 32).default(1),
  WORKER_METRICS_PORT: int(0, 65_535).optional(),
  QUEUE_LEASE_SECONDS: int(5, 3600).default(30),
  QUEUE_MAX_ATTEMPTS: int(1, 100).default(3),
  QUEUE_POLL_INTERVAL_MS: int(50, 60_000).default(1000),
  QUEUE_SWEEP_INTERVAL_SECONDS: int(1, 3600).default(5),
  QUEUE_BACKOFF_BASE_SECONDS: int(0, 3600).default(5),
  QUEUE_BACKOFF_MAX_SECONDS: int(0, 86_400).default(600),
  SHUTDOWN_GRACE_SECONDS: int(0, 3600).default(30),
  RETENTION_DAYS: int(1, 36_500).default(30),
  RETENTION_SWEEP_INTERVAL_MINUTES: int(1, 10_080).default(60),
  STORAGE_PREFIX: optionalString.pipe(
    z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]*$/, 'must be lowercase letters, digits, dot, dash or underscore')
      .optional(),
  ),
  FFMPEG_PATH: optionalString,
  FFPROBE_PATH: optionalString,
  BODY_LIMIT_BYTES: int(1024, 100 * 1024 * 1024).default(1024 * 1024),
  UPLOAD_MAX_BYTES: int(1, 5 * 1024 * 1024 * 1024).default(50 * 1024 * 1024),
  PRESIGN_EXPIRES_SECONDS: int(1, 7 * 24 * 3600).default(900),

  DATABASE_URL: optionalString.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
  ),
  DATABASE_POOL_MAX: int(1, 200).default(10),
  DATABASE_CONNECT_TIMEOUT_MS: int(100, 120_000).default(5000),
  DATABASE_STATEMENT_TIMEOUT_MS: int(100, 3_600_000).default(30_000),
  DATABASE_CONNECT_DEADLINE_SECONDS: int(0, 3600).default(30),
  DATABASE_MIGRATE_ON_START: z.stringbool().default(true),

  REDIS_URL: optionalString.pipe(
    z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
      .optional(),
  ),
  REDIS_COMMAND_TIMEOUT_MS: int(10, 60_000).default(250),
  JOB_STATUS_CACHE_TTL_MS: int(0, 60_000).default(1000),

  S3_BUCKET: optionalString,
  S3_REGION: z.string().trim().min(1).default('us-east-1'),
  S3_ENDPOINT: optionalString.pipe(z.url('must be a URL').optional()),
  S3_FORCE_PATH_STYLE: z.stringbool().default(false),
  S3_PREFIX: optionalString.pipe(
    z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]*$/, 'must be lowercase letters, digits, dot, dash or underscore')
      .optional(),
  ),
  S3_CREATE_BUCKET: z.stringbool().default(false),
  S3_MULTIPART_THRESHOLD_BYTES: int(5 * 1024 * 1024, 5 * 1024 * 1024 * 1024).default(16 * 1024 * 1024),
  AWS_ACCESS_KEY_ID: optionalString,
  AWS_SECRET_ACCESS_KEY: optionalString,

  CLERK_JWT_KEY: optionalString,
  CLERK_PUBLISHABLE_KEY: optionalString,
  CLERK_SECRET_KEY: optionalString,
  CLERK_AUTHORIZED_PARTIES: optionalString,
  CLERK_ISSUER: optionalString,
  CLERK_ADMIN_CLAIM: z.string().trim().min(1).default('metadata.role'),

  RATE_LIMIT_PER_MINUTE: int(1, 10_000_000).default(600),
  RATE_LIMIT_FAIL_OPEN: z.stringbool().default(true),
  BATCH_MAX_JOBS: int(1, 1000).default(50),

  WEBHOOK_SECRET: optionalString.pipe(
    z
      .string()
      .refine(isWebhookSecret, 'must be "whsec_" followed by base64 of 24 to 64 random bytes')
      .optional(),
  ),
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: optionalString.pipe(z.stringbool().optional()),
  WEBHOOK_TIMEOUT_MS: int(100, 120_000).default(10_000),
  WEBHOOK_RETRY_SCHEDULE: z
    .string()
    .trim()
    .default('5s,5m,30m,2h,5h,10h,10h')
    .transform((v, ctx) => {
      const delays = parseDurationList(v);
      if (delays === null)
        ctx.addIssue({
          code: 'custom',
          message: 'must be a comma-separated list of durations like 5s,5m,2h or 10ms',
        });
      return delays ?? [];
    }),
  WEBHOOK_POLL_INTERVAL_MS: int(10, 60_000).default(1000),
  WS_PING_INTERVAL_MS: int(10, 600_000).default(30_000),

  CORS_ORIGINS: optionalString,
  METRICS_TOKEN: optionalString.pipe(
    z
      .string()
      .min(16, 'must be at least 16 characters (use a random secret)')
      .regex(/^\S+$/, 'must not contain whitespace')
      .optional(),
  ),
  PRESSURE_MAX_EVENT_LOOP_DELAY_MS: int(0, 60_000).optional(),
  PRESSURE_MAX_HEAP_USED_BYTES: int(0, Number.MAX_SAFE_INTEGER).optional(),
  PRESSURE_MAX_RSS_BYTES: int(0, Number.MAX_SAFE_INTEGER).default(0),
  PRESSURE_RETRY_AFTER_SECONDS: int(1, 3600).default(10),
});

export type Env = z.infer<typeof envSchema>;

/** A Standard Webhooks signing secret: `whsec_` + base64 of 24 to 64 bytes. */
function isWebhookSecret(value: string): boolean {
  if (!value.startsWith('whsec_')) return false;
  const b64 = value.slice('whsec_'.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return false;
  const bytes = Buffer.from(b64, 'base64').length;
  return bytes >= 24 && bytes <= 64;
}

const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `"5s,5m,2h"` -> `[5000, 300000, 7200000]`; `null` when any item is malformed. Empty list allowed (`""`: no retries). */
export function parseDurationList(text: string): number[] | null {
  if (text.trim() === '') return [];
  const out: number[] = [];
  for (const item of text.split(',')) {
    const m = /^\s*(\d+)\s*(ms|s|m|h)\s*$/.exec(item);
    const unit = m?.[2] === undefined ? undefined : DURATION_UNITS_MS[m[2]];
    if (m?.[1] === undefined || unit === undefined) return null;
    out.push(Number(m[1]) * unit);
  }
  return out;
}

/** The validated, nested configuration the composition root reads. Durations in ms. */
export interface Config {
  readonly env: AppEnv;
  readonly log: { readonly level: (typeof LOG_LEVELS)[number] };
  readonly http: { readonly host: string; readonly port: number; readonly bodyLimitBytes: number };
  readonly dataDir: string;
  readonly database:
    | { readonly kind: 'pglite'; readonly dataDir: string }
    | {
        readonly kind: 'postgres';
        readonly url: string;
        readonly poolMax: number;
        readonly connectTimeoutMs: number;
        readonly statementTimeoutMs: number;
        /** How long start-up keeps retrying an unreachable database, in ms. */
        readonly connectDeadlineMs: number;
        readonly migrateOnStart: boolean;
      };
  readonly storage: (
    | { readonly kind: 'disk'; readonly rootDir: string }
    | {
        readonly kind: 's3';
        readonly bucket: string;
        readonly region: string;
        readonly endpoint: string | undefined;
        readonly forcePathStyle: boolean;
        readonly createBucket: boolean;
        readonly multipartThresholdBytes: number;
        readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string } | undefined;
      }
  ) & {
    /** First segment of every object key (`{prefix}/{ownerId}/{jobId}/...`). */
    readonly prefix: string;
    readonly presignExpiresSeconds: number;
  };
  readonly redis: { readonly url: string; readonly commandTimeoutMs: number } | null;
  readonly cache: { readonly jobStatusTtlMs: number };
  readonly auth: {
    readonly apiKey: string | undefined;
    readonly clerk: {
      readonly jwtKey: string;
      readonly issuer: string;
      readonly authorizedParties: readonly string[];
      readonly publishableKey: string | undefined;
      readonly secretKey: string | undefined;
      readonly adminClaim: string;
    } | null;
  };
  readonly rateLimit: { readonly perMinute: number; readonly failOpen: boolean };
  /** Largest accepted upload (`POST /uploads/content`), in bytes. */
  readonly uploads: { readonly maxBytes: number };
  /** Most jobs one `POST /videos/batch` may queue. */
  readonly batch: { readonly maxJobs: number };
  readonly webhooks: {
    /** Standard Webhooks signing secret (`whsec_...`); `undefined` in development/test = generate one at start. */
    readonly signingSecret: string | undefined;
    /** Whether callback URLs may resolve to loopback/private/link-local networks (SSRF guard off). */
    readonly allowPrivateNetworks: boolean;
    readonly timeoutMs: number;
    /** Delays before attempts 2, 3, ... in ms. */
    readonly retryScheduleMs: readonly number[];
    readonly pollIntervalMs: number;
  };
  readonly websocket: { readonly pingIntervalMs: number };
  /** Browser origins allowed by CORS (exact `scheme://host[:port]`); empty: same-origin only. */
  readonly cors: { readonly origins: readonly string[] };
  /** `GET /metrics`: the scraper's bearer token, if any (else admins; open outside production). */
  readonly metrics: { readonly token: string | undefined };
  /** Backpressure thresholds (503 + Retry-After past any of them); 0 disables one. */
  readonly pressure: {
    readonly maxEventLoopDelayMs: number;
    /** Default: 90% of the V8 heap limit. */
    readonly maxHeapUsedBytes: number | undefined;
    readonly maxRssBytes: number;
    readonly retryAfterSeconds: number;
  };
  readonly queue: {
    readonly leaseMs: number;
    readonly maxAttempts: number;
    readonly pollIntervalMs: number;
    readonly sweepIntervalMs: number;
    readonly backoffBaseMs: number;
    readonly backoffMaxMs: number;
  };
  readonly worker: {
    readonly concurrency: number;
    readonly shutdownGraceMs: number;
    /** Port of a worker-only process's `/metrics` and `/health/live` listener (on `http.host`; 0: any free port); unset: none. */
    readonly metricsPort: number | undefined;
  };
  /** Retention sweep (run by the worker process): finished jobs older than `maxAgeMs` are deleted. */
  readonly retention: { readonly maxAgeMs: number; readonly sweepIntervalMs: number };
  readonly renderer: {
    readonly ffmpegPath: string | undefined;
    readonly ffprobePath: string | undefined;
    readonly workDir: string;
  };
}

/** Every problem found in the environment, one line each (`PORT: must be ...`). */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Validates `env` (usually `process.env`) and builds the nested {@link Config}.
 * Relative directories resolve against `cwd`.
 * @throws ConfigError listing every invalid variable at once.
 */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>>,
  cwd: string = process.cwd(),
): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
    );
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.QUEUE_BACKOFF_MAX_SECONDS < e.QUEUE_BACKOFF_BASE_SECONDS)
    problems.push('QUEUE_BACKOFF_MAX_SECONDS: must be at least QUEUE_BACKOFF_BASE_SECONDS');
  const authorizedParties = (e.CLERK_AUTHORIZED_PARTIES ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const clerkOn = [
    e.CLERK_JWT_KEY,
    e.CLERK_ISSUER,
    e.CLERK_PUBLISHABLE_KEY,
    e.CLERK_SECRET_KEY,
    e.CLERK_AUTHORIZED_PARTIES,
  ].some((v) => v !== undefined);
  const jwtKey = e.CLERK_JWT_KEY;
  if (clerkOn) {
    problems.push(
      ...validateClerkSettings({
        publishableKey: e.CLERK_PUBLISHABLE_KEY,
        secretKey: e.CLERK_SECRET_KEY,
        jwtKey: jwtKey ?? '',
        issuer: e.CLERK_ISSUER ?? '',
        authorizedParties,
        adminClaim: e.CLERK_ADMIN_CLAIM,
      }),
    );
  }
  if ((e.AWS_ACCESS_KEY_ID === undefined) !== (e.AWS_SECRET_ACCESS_KEY === undefined))
    problems.push('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY: set both or neither');
  const corsOrigins = (e.CORS_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '');
  for (const origin of corsOrigins) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin))
      problems.push(`CORS_ORIGINS: ${origin} must be an origin like https://app.example.com (no path)`);
  }
  if (e.APP_ENV === 'production') {
    const missing: string[] = [];
    if (!e.DATABASE_URL)
      missing.push('DATABASE_URL (PostgreSQL; the embedded PGlite database is for development)');
    if (!e.S3_BUCKET) missing.push('S3_BUCKET (S3 or S3-compatible storage; local disk is for development)');
    if (!e.REDIS_URL)
      missing.push('REDIS_URL (Redis for live progress across instances, cache and rate limits)');
    if (!e.WEBHOOK_SECRET) missing.push('WEBHOOK_SECRET (whsec_ + base64; signs webhook events)');
    if (!e.FRAMECAST_API_KEY && !clerkOn)
      missing.push('FRAMECAST_API_KEY or CLERK_* (production never generates a development key)');
    for (const m of missing) problems.push(`APP_ENV=production needs ${m}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const dataDir = path.resolve(cwd, e.DATA_DIR);
  return {
    env: e.APP_ENV,
    log: { level: e.LOG_LEVEL },
    http: {
      host: e.HOST ?? (e.APP_ENV === 'production' ? '0.0.0.0' : '127.0.0.1'),
      port: e.PORT,
      bodyLimitBytes: e.BODY_LIMIT_BYTES,
    },
    dataDir,
    database: e.DATABASE_URL
      ? {
          kind: 'postgres',
          url: e.DATABASE_URL,
          poolMax: e.DATABASE_POOL_MAX,
          connectTimeoutMs: e.DATABASE_CONNECT_TIMEOUT_MS,
          statementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS,
          connectDeadlineMs: e.DATABASE_CONNECT_DEADLINE_SECONDS * 1000,
          migrateOnStart: e.DATABASE_MIGRATE_ON_START,
        }
      : { kind: 'pglite', dataDir: path.join(dataDir, 'pglite') },
    storage: {
      ...(e.S3_BUCKET
        ? {
            kind: 's3' as const,
            bucket: e.S3_BUCKET,
            region: e.S3_REGION,
            endpoint: e.S3_ENDPOINT,
            forcePathStyle: e.S3_FORCE_PATH_STYLE,
            createBucket: e.S3_CREATE_BUCKET,
            multipartThresholdBytes: e.S3_MULTIPART_THRESHOLD_BYTES,
            credentials:
              e.AWS_ACCESS_KEY_ID && e.AWS_SECRET_ACCESS_KEY
                ? { accessKeyId: e.AWS_ACCESS_KEY_ID, secretAccessKey: e.AWS_SECRET_ACCESS_KEY }
                : undefined,
          }
        : { kind: 'disk' as const, rootDir: path.join(dataDir, 'objects') }),
      prefix: e.S3_PREFIX ?? e.STORAGE_PREFIX ?? e.APP_ENV,
      presignExpiresSeconds: e.PRESIGN_EXPIRES_SECONDS,
    },
    redis: e.REDIS_URL ? { url: e.REDIS_URL, commandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS } : null,
    cache: { jobStatusTtlMs: e.JOB_STATUS_CACHE_TTL_MS },
    auth: {
      apiKey: e.FRAMECAST_API_KEY,
      clerk:
        clerkOn && jwtKey && e.CLERK_ISSUER
          ? {
              jwtKey,
              issuer: e.CLERK_ISSUER,
              authorizedParties,
              publishableKey: e.CLERK_PUBLISHABLE_KEY,
              secretKey: e.CLERK_SECRET_KEY,
              adminClaim: e.CLERK_ADMIN_CLAIM,
            }
          : null,
    },
    rateLimit: { perMinute: e.RATE_LIMIT_PER_MINUTE, failOpen: e.RATE_LIMIT_FAIL_OPEN },
    uploads: { maxBytes: e.UPLOAD_MAX_BYTES },
    batch: { maxJobs: e.BATCH_MAX_JOBS },
    webhooks: {
      signingSecret: e.WEBHOOK_SECRET,
      allowPrivateNetworks: e.WEBHOOK_ALLOW_PRIVATE_NETWORKS ?? e.APP_ENV !== 'production',
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      retryScheduleMs: e.WEBHOOK_RETRY_SCHEDULE,
      pollIntervalMs: e.WEBHOOK_POLL_INTERVAL_MS,
    },
    websocket: { pingIntervalMs: e.WS_PING_INTERVAL_MS },
    cors: { origins: corsOrigins },
    metrics: { token: e.METRICS_TOKEN },
    pressure: {
      // Off by default in tests: a test process blocks its loop for seconds while it builds apps.
      maxEventLoopDelayMs: e.PRESSURE_MAX_EVENT_LOOP_DELAY_MS ?? (e.APP_ENV === 'test' ? 0 : 1000),
      maxHeapUsedBytes: e.PRESSURE_MAX_HEAP_USED_BYTES,
      maxRssBytes: e.PRESSURE_MAX_RSS_BYTES,
      retryAfterSeconds: e.PRESSURE_RETRY_AFTER_SECONDS,
    },
    queue: {
      leaseMs: e.QUEUE_LEASE_SECONDS * 1000,
      maxAttempts: e.QUEUE_MAX_ATTEMPTS,
      pollIntervalMs: e.QUEUE_POLL_INTERVAL_MS,
      sweepIntervalMs: e.QUEUE_SWEEP_INTERVAL_SECONDS * 1000,
      backoffBaseMs: e.QUEUE_BACKOFF_BASE_SECONDS * 1000,
      backoffMaxMs: e.QUEUE_BACKOFF_MAX_SECONDS * 1000,
    },
    worker: {
      concurrency: e.WORKER_CONCURRENCY,
      shutdownGraceMs: e.SHUTDOWN_GRACE_SECONDS * 1000,
      metricsPort: e.WORKER_METRICS_PORT,
    },
    retention: {
      maxAgeMs: e.RETENTION_DAYS * 86_400_000,
      sweepIntervalMs: e.RETENTION_SWEEP_INTERVAL_MINUTES * 60_000,
    },
    renderer: {
      ffmpegPath: e.FFMPEG_PATH,
      ffprobePath: e.FFPROBE_PATH,
      workDir: path.join(dataDir, 'tmp'),
    },
  };
}

const SECRET_KEYS = /key|secret|password|token|connectionstring|url|credentials|accesskeyid/i;

/** A copy of the configuration safe to log or serve: secret values replaced by `[redacted]`. */
export function redactConfig(config: Config): unknown {
  const walk = (value: unknown, key: string): unknown => {
    if (value === undefined || value === null) return value;
    if (Array.isArray(value)) return value.map((v: unknown) => walk(v, key));
    if (typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, k)]));
    }
    return SECRET_KEYS.test(key) && typeof value === 'string' ? '[redacted]' : value;
  };
  return walk(config, '');
}
