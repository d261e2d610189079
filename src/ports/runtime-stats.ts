/** Resource use of this process and its host, at the time of the call. */
export interface RuntimeSnapshot {
  /** Resident set size, in bytes. */
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  readonly heapTotalBytes: number;
  /** Memory of C++ objects bound to JavaScript (buffers), in bytes. */
  readonly externalBytes: number;
  /** 99th percentile and maximum of the event-loop delay over the last measuring window, in ms. */
  readonly eventLoopDelayP99Ms: number;
  readonly eventLoopDelayMaxMs: number;
  /** The host's 1, 5 and 15 minute load averages (zeros on Windows). */
  readonly loadAverage: readonly [number, number, number];
  /** CPUs available to this process. */
  readonly cpus: number;
  /** Seconds since the process started. */
  readonly uptimeSeconds: number;
}

/** Reads the process's resource use (memory, event-loop delay, load). */
export interface RuntimeStats {
  snapshot(): RuntimeSnapshot;
}
