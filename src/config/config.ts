import path from 'node:path';
import { z } from 'zod';

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
    z.string().min(16, 'must be at least 16 characters (use a random secret)').optional(),
  ),
  WORKER_CONCURRENCY: int(0, 32).default(1),
  QUEUE_LEASE_SECONDS: int(5, 3600).default(30),
  QUEUE_MAX_ATTEMPTS: int(1, 100).default(3),
  QUEUE_POLL_INTERVAL_MS: int(50, 60_000).default(1000),
  QUEUE_SWEEP_INTERVAL_SECONDS: int(1, 3600).default(5),
  QUEUE_BACKOFF_BASE_SECONDS: int(0, 3600).default(5),
  QUEUE_BACKOFF_MAX_SECONDS: int(0, 86_400).default(600),
  SHUTDOWN_GRACE_SECONDS: int(0, 3600).default(30),
  STORAGE_PREFIX: optionalString.pipe(
    z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]*$/, 'must be lowercase letters, digits, dot, dash or underscore')
      .optional(),
  ),
  FFMPEG_PATH: optionalString,
  FFPROBE_PATH: optionalString,
  BODY_LIMIT_BYTES: int(1024, 100 * 1024 * 1024).default(1024 * 1024),
  PRESIGN_EXPIRES_SECONDS: int(1, 7 * 24 * 3600).default(900),
});

export type Env = z.infer<typeof envSchema>;

/** The validated, nested configuration the composition root reads. Durations in ms. */
export interface Config {
  readonly env: AppEnv;
  readonly log: { readonly level: (typeof LOG_LEVELS)[number] };
  readonly http: { readonly host: string; readonly port: number; readonly bodyLimitBytes: number };
  readonly dataDir: string;
  readonly database: { readonly kind: 'pglite'; readonly dataDir: string };
  readonly storage: {
    readonly kind: 'disk';
    readonly rootDir: string;
    /** First segment of every object key (`{prefix}/{ownerId}/{jobId}/...`). */
    readonly prefix: string;
    readonly presignExpiresSeconds: number;
  };
  readonly auth: { readonly apiKey: string | undefined };
  readonly queue: {
    readonly leaseMs: number;
    readonly maxAttempts: number;
    readonly pollIntervalMs: number;
    readonly sweepIntervalMs: number;
    readonly backoffBaseMs: number;
    readonly backoffMaxMs: number;
  };
  readonly worker: { readonly concurrency: number; readonly shutdownGraceMs: number };
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
  if (e.APP_ENV === 'production') {
    // Production adapters (PostgreSQL, S3, Redis, Clerk) arrive with their own variables; until
    // then production refuses the embedded defaults rather than pretending to be production-ready.
    problems.push(
      'APP_ENV=production needs DATABASE_URL (PostgreSQL) instead of the embedded PGlite database',
    );
    if (!e.FRAMECAST_API_KEY)
      problems.push('FRAMECAST_API_KEY: required in production (no generated development key)');
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
    database: { kind: 'pglite', dataDir: path.join(dataDir, 'pglite') },
    storage: {
      kind: 'disk',
      rootDir: path.join(dataDir, 'objects'),
      prefix: e.STORAGE_PREFIX ?? e.APP_ENV,
      presignExpiresSeconds: e.PRESIGN_EXPIRES_SECONDS,
    },
    auth: { apiKey: e.FRAMECAST_API_KEY },
    queue: {
      leaseMs: e.QUEUE_LEASE_SECONDS * 1000,
      maxAttempts: e.QUEUE_MAX_ATTEMPTS,
      pollIntervalMs: e.QUEUE_POLL_INTERVAL_MS,
      sweepIntervalMs: e.QUEUE_SWEEP_INTERVAL_SECONDS * 1000,
      backoffBaseMs: e.QUEUE_BACKOFF_BASE_SECONDS * 1000,
      backoffMaxMs: e.QUEUE_BACKOFF_MAX_SECONDS * 1000,
    },
    worker: { concurrency: e.WORKER_CONCURRENCY, shutdownGraceMs: e.SHUTDOWN_GRACE_SECONDS * 1000 },
    renderer: {
      ffmpegPath: e.FFMPEG_PATH,
      ffprobePath: e.FFPROBE_PATH,
      workDir: path.join(dataDir, 'tmp'),
    },
  };
}

const SECRET_KEYS = /key|secret|password|token|connectionstring|url/i;

/** A copy of the configuration safe to log or serve: secret values replaced by `[redacted]`. */
export function redactConfig(config: Config): unknown {
  const walk = (value: unknown, key: string): unknown => {
    if (value === undefined || value === null) return value;
    if (typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, k)]));
    }
    return SECRET_KEYS.test(key) && typeof value === 'string' ? '[redacted]' : value;
  };
  return walk(config, '');
}
