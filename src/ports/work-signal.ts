/**
 * Wakes idle workers when work may be available (a job was queued or returned to the queue).
 * Best effort: workers also poll, so a lost signal only delays a job by one poll interval.
 * In-process for the embedded database; LISTEN/NOTIFY for PostgreSQL.
 */
export interface WorkSignal {
  notify(): Promise<void>;
  /** Calls `listener` on every signal until the returned function is called. */
  subscribe(listener: () => void): Promise<() => Promise<void>>;
}
