import type { ProcessNextJob, ProcessOutcome } from '../application/process-next-job.js';
import type { RecoverExpiredLeases } from '../application/recover-expired-leases.js';
import type { Logger } from '../ports/logger.js';
import type { WorkSignal } from '../ports/work-signal.js';

/** Delay past a lease's expiry before the planned sweep, in ms (database and timer jitter). */
const EXPIRY_SWEEP_MARGIN_MS = 50;

export interface WorkerSettings {
  /** Jobs rendered at once by this process (0 disables the worker). */
  readonly concurrency: number;
  /** Idle poll period in ms (a backstop for missed wake-up signals). */
  readonly pollIntervalMs: number;
  /** Lease-sweep period in ms. */
  readonly sweepIntervalMs: number;
  /** How long `stop()` lets running jobs finish before releasing them, in ms. */
  readonly shutdownGraceMs: number;
}

/**
 * The in-process worker (a driving adapter, like HTTP): `concurrency` slots each claim and run
 * one job at a time; idle slots wait for a work signal or the poll interval; a sweeper recovers
 * expired leases at start and periodically.
 */
export class Worker {
  private running = false;
  private readonly slots: Promise<void>[] = [];
  private readonly shutdown = new AbortController();
  private wake: Array<() => void> = [];
  private unsubscribe: (() => Promise<void>) | null = null;
  private sweepTimer: NodeJS.Timeout | null = null;
  /** A one-shot sweep planned for when the earliest lease expires (sooner than the periodic one). */
  private expirySweep: NodeJS.Timeout | null = null;
  private stopping: Promise<void> | null = null;
  private readonly active = new Map<number, Promise<ProcessOutcome>>();

  constructor(
    private readonly deps: {
      readonly workerId: string;
      readonly processNextJob: ProcessNextJob;
      readonly recoverExpiredLeases: RecoverExpiredLeases;
      readonly signal: WorkSignal;
      readonly logger: Logger;
      readonly settings: WorkerSettings;
    },
  ) {}

  get id(): string {
    return this.deps.workerId;
  }

  /** Number of jobs running now. */
  get busy(): number {
    return this.active.size;
  }

  /**
   * Recovers expired leases, then starts the slots and the sweeper. Idempotent; a worker that
   * was stopped does not start again (make a new one).
   */
  async start(): Promise<void> {
    if (this.running || this.stopping !== null || this.deps.settings.concurrency === 0) return;
    this.running = true;
    await this.sweep();
    if (!this.running) return;
    const unsubscribe = await this.deps.signal.subscribe(() => this.wakeAll());
    if (!this.running) {
      await unsubscribe().catch(() => undefined);
      return;
    }
    this.unsubscribe = unsubscribe;
    this.sweepTimer = setInterval(() => void this.sweep(), this.deps.settings.sweepIntervalMs);
    this.sweepTimer.unref();
    for (let slot = 0; slot < this.deps.settings.concurrency; slot += 1) this.slots.push(this.loop(slot));
    this.deps.logger.info(
      { workerId: this.deps.workerId, concurrency: this.deps.settings.concurrency },
      'worker started',
    );
  }

  /**
   * Stops claiming, lets running jobs finish for up to the grace period, then aborts them
   * (they are released back to the queue, the attempt not counted) and waits for the slots.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      if (!this.running) return;
      this.running = false;
      if (this.sweepTimer) clearInterval(this.sweepTimer);
      if (this.expirySweep) clearTimeout(this.expirySweep);
      this.wakeAll();
      if (this.unsubscribe) await this.unsubscribe().catch(() => undefined);
      const all = Promise.all(this.slots);
      let timer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), this.deps.settings.shutdownGraceMs);
      });
      const first = await Promise.race([all.then(() => 'done' as const), graceOver]);
      clearTimeout(timer);
      if (first === 'timeout') {
        this.deps.logger.warn({ running: this.active.size }, 'grace period over; releasing running jobs');
        this.shutdown.abort();
      }
      await all;
      this.deps.logger.info({ workerId: this.deps.workerId }, 'worker stopped');
    })();
    return this.stopping;
  }

  /** Ends the grace period now: running jobs are released at once. */
  abortRunningJobs(): void {
    this.shutdown.abort();
  }

  private async loop(slot: number): Promise<void> {
    while (this.running) {
      let outcome: ProcessOutcome;
      try {
        const run = this.deps.processNextJob.execute({
          workerId: this.deps.workerId,
          shutdown: this.shutdown.signal,
        });
        this.active.set(slot, run);
        outcome = await run;
      } catch (error) {
        this.deps.logger.error({ err: String(error), slot }, 'worker slot error');
        outcome = { kind: 'idle' };
      } finally {
        this.active.delete(slot);
      }
      if (outcome.kind === 'idle' && this.running) await this.idle();
    }
  }

  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = this.wake.filter((w) => w !== done);
        resolve();
      };
      const timer = setTimeout(done, this.deps.settings.pollIntervalMs);
      this.wake.push(done);
    });
  }

  private wakeAll(): void {
    const wakers = this.wake;
    this.wake = [];
    for (const w of wakers) w();
  }

  private async sweep(): Promise<void> {
    const recovered = await this.deps.recoverExpiredLeases.execute();
    if (recovered.isErr()) this.deps.logger.warn({ err: recovered.error.message }, 'lease sweep failed');
    else if (recovered.value.length > 0)
      this.deps.logger.warn({ jobs: recovered.value.map((j) => j.id) }, 'recovered jobs with expired leases');
    await this.planExpirySweep();
  }

  /**
   * Plans one extra sweep just after the earliest lease expires when that comes before the next
   * periodic sweep: a dead worker's job is then queued again about when its lease ends, not up
   * to a sweep interval later. Live leases are renewed meanwhile; the extra sweep then finds
   * nothing and plans the next one.
   */
  private async planExpirySweep(): Promise<void> {
    if (!this.running || this.expirySweep !== null) return;
    const next = await this.deps.recoverExpiredLeases.msUntilNextExpiry();
    if (next.isErr() || next.value === null || !this.running || this.expirySweep !== null) return;
    const delayMs = next.value + EXPIRY_SWEEP_MARGIN_MS;
    if (delayMs >= this.deps.settings.sweepIntervalMs) return;
    this.expirySweep = setTimeout(() => {
      this.expirySweep = null;
      void this.sweep();
    }, delayMs);
    this.expirySweep.unref();
  }
}
