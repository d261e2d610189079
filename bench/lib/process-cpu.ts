import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ: 100 on Linux). */
const TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system) a process has used so far, in ms, from `/proc/<pid>/stat`
 * (10 ms resolution); `NaN` where /proc is not available. Divided by the requests of a run, it
 * gives the server's CPU per request: a cost that holds on a busy machine, where req/s ratios
 * mostly measure the scheduler.
 */
export function cpuMsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return ((utime + stime) * 1000) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/** Runs `work` and returns its result with the CPU ms `pid` used meanwhile. */
export async function withCpuOf<T>(
  pid: number,
  work: () => Promise<T>,
): Promise<{ value: T; cpuMs: number }> {
  const before = cpuMsOf(pid);
  const value = await work();
  return { value, cpuMs: cpuMsOf(pid) - before };
}
