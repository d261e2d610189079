import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runApi } from './api.js';
import { runDownload } from './download.js';
import { runQueue } from './queue.js';
import { runRender } from './render.js';
import { isQuick, loadAverage, machineInfo, renderSection, type Section } from './lib/report.js';
import { ensureBuilt, postgresVersion, ROOT } from './lib/services.js';
import { runStartup } from './startup.js';

/**
 * `npm run bench`: every area in turn (build first), printing each table as it finishes, then the
 * combined tables with the machine's details to docs/benchmarks.md (between the markers, so the
 * analysis written around them is kept). `--quick`: small sizes, printed only (docs untouched
 * unless `--write`).
 */
const quick = isQuick();
const write = !quick || process.argv.includes('--write');
const machine = machineInfo(await postgresVersion());
const started = performance.now();
ensureBuilt();
const sections: Section[] = [];
const step = async (name: string, f: () => Promise<Section>): Promise<void> => {
  process.stderr.write(`bench: ${name} (load average ${loadAverage()}) ...\n`);
  const t0 = performance.now();
  try {
    const section = await f();
    sections.push({
      ...section,
      notes: [
        ...section.notes,
        `Load average when this area started: ${loadAverage()} (${((performance.now() - t0) / 1000).toFixed(0)} s).`,
      ],
    });
    process.stdout.write(`\n${renderSection(sections.at(-1)!)}\n`);
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`bench: ${name} failed: ${message}\n`);
    sections.push({ title: name, rows: [], notes: [`Failed to run: ${message.split('\n')[0] ?? ''}`] });
  }
};
const api = await runApiAndKeep();
await step('Queue', () => runQueue({ quick }));
await step('Render', () => runRender({ quick }));
await step('Download', () => runDownload({ quick }));
await step('Start-up and memory', () =>
  runStartup({ quick, ...(api !== null ? { rssUnderLoadBytes: api } : {}) }),
);

async function runApiAndKeep(): Promise<number | null> {
  let rss: number | null = null;
  await step('API', async () => {
    const result = await runApi({ quick });
    rss = result.extras.rssUnderLoadBytes;
    return result;
  });
  return rss;
}

const header = [
  `Run: ${machine.date}${quick ? ' (--quick: small sizes)' : ''}, ${((performance.now() - started) / 60_000).toFixed(1)} min.`,
  '',
  '| machine | |',
  '|---|---|',
  `| CPU | ${machine.cpu} |`,
  `| cores | ${machine.cores} |`,
  `| memory | ${machine.memory} |`,
  `| OS | ${machine.os} |`,
  `| Node | ${machine.node} |`,
  `| database | ${machine.postgres} |`,
  `| load average at start (1, 5, 15 min) | ${machine.loadAverage} |`,
  `| load average at end | ${loadAverage()} |`,
  '',
].join('\n');
const results = `${header}\n${sections.map(renderSection).join('\n')}`;
if (write) {
  const file = path.join(ROOT, 'docs/benchmarks.md');
  const { readFile } = await import('node:fs/promises');
  const BEGIN = '<!-- bench:results:begin (written by `npm run bench`) -->';
  const END = '<!-- bench:results:end -->';
  let doc = await readFile(file, 'utf8').catch(() => '');
  const block = `${BEGIN}\n${results}\n${END}`;
  if (doc.includes(BEGIN) && doc.includes(END))
    doc = doc.slice(0, doc.indexOf(BEGIN)) + block + doc.slice(doc.indexOf(END) + END.length);
  else doc = `# Benchmarks\n\n${block}\n${doc}`;
  await writeFile(file, doc);
  process.stderr.write(`bench: wrote ${path.relative(ROOT, file)}\n`);
}
process.stdout.write(`\n${results}`);
