import type { PurgeExpiredData, PurgeReport } from '../application/purge-expired-data.js';
import type { Logger } from '../ports/logger.js';

/**
 * Runs {@link PurgeExpiredData} in the worker process on a schedule (a driving adapter, like the
 * job worker): shortly after start, then every `intervalMs`. `stop()` waits for the pass in flight.
 */
export class RetentionLoop {
  private timer: NodeJS.Timeout | null = null;
  private pass: Promise<void> | null = null;
  private running = false;
  private lastReport: PurgeReport | null = null;

  constructor(
    private readonly deps: {
      readonly purgeExpiredData: PurgeExpiredData;
      readonly logger: Logger;
      /** Period in ms; the first pass runs after `firstDelayMs` (default 10 s). */
      readonly settings: { readonly intervalMs: number; readonly firstDelayMs?: number };
    },
  ) {}

  /** Whether it runs and what the last pass removed (health detail). */
  get status(): { running: boolean; last: PurgeReport | null } {
    return { running: this.running, last: this.lastReport };
  }

  /** Schedules the passes. Idempotent. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(this.deps.settings.firstDelayMs ?? 10_000);
  }

  /** Stops scheduling and waits for the pass in flight. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.pass;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      this.pass = this.run().finally(() => {
        this.pass = null;
        if (this.running) this.schedule(this.deps.settings.intervalMs);
      });
    }, delayMs);
    this.timer.unref();
  }

  private async run(): Promise<void> {
    try {
      const report = await this.deps.purgeExpiredData.execute();
      if (report.isOk()) this.lastReport = report.value;
    } catch (error) {
      this.deps.logger.error(
        { err: error instanceof Error ? error.message : String(error) },
        'retention pass failed',
      );
    }
  }
}
