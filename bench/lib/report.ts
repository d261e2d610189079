import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** One line of a benchmark table. Numbers are already in the unit the metric names. */
export interface Row {
  readonly metric: string;
  /** Framecast's measurement (formatted), or '—'. */
  readonly framecast: string;
  /** The reference measured beside it in the same run (formatted), or '—'. */
  readonly reference: string;
  /** Framecast / reference (or the inverse when lower is better), formatted like `0.62x`, or '—'. */
  readonly ratio: string;
  /** The DESIGN §9 target, or '—' (information only). */
  readonly target: string;
  /** `yes`, `no`, or '—' when there is no target. */
  readonly met: string;
}

/** A benchmark area's result: its rows and free-text notes (settings, caveats). */
export interface Section {
  readonly title: string;
  readonly rows: readonly Row[];
  readonly notes: readonly string[];
}

/** `--quick` (small sizes for a sanity run) from the command line. */
export function isQuick(argv: readonly string[] = process.argv): boolean {
  return argv.includes('--quick');
}

export const fmt = {
  /** Integer with thousands separators. */
  int: (n: number): string => Math.round(n).toLocaleString('en-US'),
  /** Milliseconds with a precision that fits the size. */
  ms: (n: number): string => `${n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : Math.round(n)} ms`,
  s: (n: number): string => `${n.toFixed(2)} s`,
  mb: (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`,
  mbps: (bytesPerSecond: number): string => `${(bytesPerSecond / 1024 / 1024).toFixed(0)} MiB/s`,
  ratio: (r: number): string => (Number.isFinite(r) ? `${r.toFixed(2)}x` : '—'),
};

/** `yes`/`no` for a boolean target check. */
export const met = (ok: boolean): string => (ok ? 'yes' : 'no');

/** A row without a reference (a plain measurement against a fixed target). */
export function absolute(metric: string, framecast: string, target = '—', ok?: boolean): Row {
  return { metric, framecast, reference: '—', ratio: '—', target, met: ok === undefined ? '—' : met(ok) };
}

/** Renders rows as a Markdown table. */
export function markdownTable(rows: readonly Row[]): string {
  const header = '| metric | Framecast | reference | ratio | target | met? |\n|---|---:|---:|---:|---|:---:|';
  const lines = rows.map(
    (r) => `| ${r.metric} | ${r.framecast} | ${r.reference} | ${r.ratio} | ${r.target} | ${r.met} |`,
  );
  return [header, ...lines].join('\n');
}

/** A section as Markdown: heading, table, notes. */
export function renderSection(section: Section): string {
  const notes = section.notes.length > 0 ? `\n\n${section.notes.map((n) => `- ${n}`).join('\n')}` : '';
  return `## ${section.title}\n\n${markdownTable(section.rows)}${notes}\n`;
}

/** Prints a section to stdout (what each script does when run alone). */
export function printSection(section: Section): void {
  process.stdout.write(`\n${renderSection(section)}\n`);
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Nearest-rank percentile `p` (0–100) of a non-empty list. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** The machine and software the numbers were measured on. */
export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly memory: string;
  readonly node: string;
  readonly postgres: string;
  readonly os: string;
  readonly date: string;
  readonly loadAverage: string;
}

/** CPU model, cores, memory, Node, PostgreSQL server version (from `serverVersion`), date, load. */
export function machineInfo(postgresVersion: string): MachineInfo {
  const cpus = os.cpus();
  let kernel = `${os.type()} ${os.release()}`;
  try {
    const pretty = /PRETTY_NAME="([^"]+)"/.exec(readFileSync('/etc/os-release', 'utf8'))?.[1];
    if (pretty) kernel = `${pretty}, ${kernel}`;
  } catch {
    // not Linux: keep the kernel line
  }
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    node: process.version,
    postgres: postgresVersion,
    os: kernel,
    date: new Date().toISOString(),
    loadAverage: loadAverage(),
  };
}

/** The 1, 5 and 15 minute load averages, e.g. `0.52, 0.61, 0.70`. */
export function loadAverage(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');
}

/** The FFmpeg version line, for the record. */
export function ffmpegVersion(ffmpegPath: string): string {
  try {
    return execFileSync(ffmpegPath, ['-version'], { encoding: 'utf8' }).split('\n')[0] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
