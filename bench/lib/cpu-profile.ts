import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** A function (or package) and its share of the samples. */
export interface HotSpot {
  readonly name: string;
  readonly selfPercent: number;
  readonly totalPercent: number;
}

function label(node: ProfileNode, root: string): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace('file://', '').replace(root + '/', '');
  return `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim();
}

/** Groups a location into `src/...`, an npm package name, `node:internal` or a V8 bucket. */
function bucket(node: ProfileNode, root: string): string {
  const url = node.callFrame.url.replace('file://', '');
  if (url === '') return node.callFrame.functionName || '(native)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm?.[1]) return nm[1];
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  const rel = url.replace(root + '/', '');
  return rel.split('/').slice(0, 3).join('/');
}

/** Reads the newest `.cpuprofile` in `dir`; @returns top functions by self time and by package. */
export function summarizeProfile(
  dir: string,
  root: string,
  top = 15,
): { functions: HotSpot[]; packages: HotSpot[] } {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => path.join(dir, f));
  const file = files.sort().at(-1);
  if (file === undefined) throw new Error(`no .cpuprofile in ${dir}`);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  for (const s of profile.samples) self.set(s, (self.get(s) ?? 0) + 1);
  const total = profile.samples.length;
  const fnSelf = new Map<string, number>();
  const fnTotal = new Map<string, number>();
  const pkgSelf = new Map<string, number>();
  for (const [id, count] of self) {
    const node = byId.get(id)!;
    const name = label(node, root);
    fnSelf.set(name, (fnSelf.get(name) ?? 0) + count);
    const pkg = bucket(node, root);
    pkgSelf.set(pkg, (pkgSelf.get(pkg) ?? 0) + count);
    // inclusive time: once per distinct function on the stack
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const l = label(byId.get(cur)!, root);
      if (seen.has(l)) continue;
      seen.add(l);
      fnTotal.set(l, (fnTotal.get(l) ?? 0) + count);
    }
  }
  const pct = (n: number): number => (100 * n) / total;
  const functions = [...fnSelf.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, n]) => ({ name, selfPercent: pct(n), totalPercent: pct(fnTotal.get(name) ?? n) }));
  const packages = [...pkgSelf.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, n]) => ({ name, selfPercent: pct(n), totalPercent: pct(n) }));
  return { functions, packages };
}

/** The two Markdown tables of a {@link summarizeProfile} result (functions, then packages), as lines. */
export function profileTables(summary: {
  functions: readonly HotSpot[];
  packages: readonly HotSpot[];
}): string[] {
  return [
    '| self % | total % | function |',
    '|---:|---:|---|',
    ...summary.functions.map(
      (f) => `| ${f.selfPercent.toFixed(1)} | ${f.totalPercent.toFixed(1)} | \`${f.name}\` |`,
    ),
    '',
    '| self % | package or folder |',
    '|---:|---|',
    ...summary.packages.map((p) => `| ${p.selfPercent.toFixed(1)} | \`${p.name}\` |`),
  ];
}
