import { existsSync } from 'node:fs';
import { ConfigError, loadConfig, type Config } from './config/config.js';
import type { Logger } from './ports/logger.js';

/**
 * What every entry point (server, worker, migrate) does first: reads `.env` when present, then
 * validates the environment. Exits with code 2 and every problem listed when it is invalid.
 */
export function loadConfigOrExit(): Config {
  if (existsSync('.env')) process.loadEnvFile('.env');
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

/**
 * SIGTERM/SIGINT: calls `onSignal` (e.g. mark not ready), then `stop()` (drain, stop the
 * container) and exits 0, or 1 when stopping failed. A second signal exits at once with 1.
 */
export function exitOnSignals(options: {
  readonly logger: Logger;
  readonly graceSeconds: number;
  readonly stop: () => Promise<void>;
  readonly onSignal?: () => void;
}): void {
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) {
      options.logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    options.onSignal?.();
    options.logger.info({ signal, graceSeconds: options.graceSeconds }, 'shutting down');
    options
      .stop()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        options.logger.error(
          { err: error instanceof Error ? error.message : String(error) },
          'shutdown errors',
        );
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

/**
 * The log fields of a failed container start: `err`, the message, and when several services
 * failed independently (the container starts them concurrently), `errors` with each message.
 */
export function startFailure(error: unknown): { err: string; errors?: string[] } {
  const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));
  return error instanceof AggregateError
    ? { err: message(error), errors: error.errors.map(message) }
    : { err: message(error) };
}

/** The last resort of an entry point's `main()`: prints the error and exits 1. */
export function exitOnFatal(error: unknown): never {
  process.stderr.write(`fatal: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
}
