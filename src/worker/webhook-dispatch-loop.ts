import type { DispatchReport, DispatchWebhooks } from '../application/dispatch-webhooks.js';
import type { Logger } from '../ports/logger.js';

export interface WebhookDispatchLoopSettings {
  /** Pause between passes when the last pass had nothing more to do, in ms. */
  readonly intervalMs: number;
  /** A pass that attempted this many deliveries is followed by another at once (a backlog). */
  readonly batchSize: number;
}

/**
 * Runs {@link DispatchWebhooks} in the worker process (a driving adapter, like the job worker):
 * one pass every `intervalMs`, back to back while a backlog lasts. Any number of processes may
 * run it (claims use SKIP LOCKED). `stop()` waits for the pass in flight.
 */
export class WebhookDispatchLoop {
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private passes = 0;
  private lastReport: DispatchReport | null = null;

  constructor(
    private readonly deps: {
      readonly dispatchWebhooks: DispatchWebhooks;
      readonly logger: Logger;
      readonly settings: WebhookDispatchLoopSettings;
    },
  ) {}

  /** Passes run so far and what the last one did (health detail). */
  get status(): { running: boolean; passes: number; last: DispatchReport | null } {
    return { running: this.running, passes: this.passes, last: this.lastReport };
  }

  /** Starts the passes. Idempotent. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
    this.deps.logger.info({ intervalMs: this.deps.settings.intervalMs }, 'webhook dispatcher started');
  }

  /** Stops after the pass in flight. Idempotent. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.loop = null;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let backlog = false;
      try {
        const report = await this.deps.dispatchWebhooks.execute();
        this.passes += 1;
        if (report.isErr())
          this.deps.logger.warn({ err: report.error.message }, 'webhook dispatch pass failed');
        else {
          this.lastReport = report.value;
          backlog = report.value.attempted >= this.deps.settings.batchSize;
        }
      } catch (error) {
        this.deps.logger.error({ err: String(error) }, 'webhook dispatch pass crashed');
      }
      if (this.running && !backlog) await this.pause();
    }
  }

  private pause(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.deps.settings.intervalMs);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
