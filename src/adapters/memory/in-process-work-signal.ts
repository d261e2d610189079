import type { WorkSignal } from '../../ports/work-signal.js';

/** Work signal within one process (embedded database: API and worker share the process). */
export class InProcessWorkSignal implements WorkSignal {
  private readonly listeners = new Set<() => void>();

  async notify(): Promise<void> {
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch {
        // A listener's failure must not stop the others.
      }
    }
  }

  async subscribe(listener: () => void): Promise<() => Promise<void>> {
    const own = (): void => listener();
    this.listeners.add(own);
    return async () => {
      this.listeners.delete(own);
    };
  }
}
