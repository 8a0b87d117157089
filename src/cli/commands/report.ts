import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { formatUsd, loadCatalog } from '../../cost/index.js';
import { repriceRun } from '../../experiment/reprice.js';
import { writeReportFiles, writeReports } from '../../report/index.js';
import { readRun, type ItemStream } from '../../schema/items.js';
import type { RunSummary } from '../../schema/run-result.js';
import { InputError } from '../../util/errors.js';
import type { CommandModule } from '../command.js';

const verdict = (r: RunSummary['recommendation'] | { choice: string; systemId?: string } | undefined) =>
  r ? `${r.choice}${r.systemId && r.systemId !== r.choice ? ` (${r.systemId})` : ''}` : 'none';

/** `--prices`: the run priced again with another catalog, written beside it (never over it), and what moved. */
async function reprice(file: string, run: RunSummary, items: ItemStream, catalogFile: string, out: unknown): Promise<number> {
  const catalog = await loadCatalog(catalogFile);
  const { run: next, verdictChanged } = repriceRun(run, catalog);
  const outDir = typeof out === 'string' && out !== '' ? out : join(dirname(resolve(file)), `repriced-${catalog.id}`);
  if (resolve(outDir) === dirname(resolve(file)) || existsSync(join(outDir, 'run.json'))) {
    throw new InputError('a run.json is already there; re-pricing never replaces a run: choose another --out', { file: join(outDir, 'run.json'), field: '--out' });
  }
  const written = await writeReports(next, items, outDir);
  const lines = [`Re-priced run ${run.runId} with ${catalog.id} (${catalog.date}); first priced with ${next.priceCatalog.repricedFrom!.id} (${next.priceCatalog.repricedFrom!.date}). No model was called.`];
  for (const s of next.systems) {
    const before = run.systems.find((x) => x.id === s.id)?.cost;
    if (!s.cost || !before) continue;
    lines.push(`  ${s.id.padEnd(18)} ${formatUsd(before.monthlyTotalUsd).padStart(12)} -> ${formatUsd(s.cost.monthlyTotalUsd).padStart(12)} a month; ${formatUsd(before.horizonTotalUsd)} -> ${formatUsd(s.cost.horizonTotalUsd)} over the horizon${s.cost.missingPrices.length ? ` (${s.cost.missingPrices.length} price(s) missing)` : ''}`);
  }
  lines.push(`Verdict: ${verdict(next.priceCatalog.repricedFrom)} -> ${verdict(next.recommendation)}: ${verdictChanged ? 'the verdict CHANGES' : 'the verdict is the same'}.`);
  if (next.recommendation) lines.push(`  ${next.recommendation.headline}`);
  lines.push(written.runJson, written.html, written.markdown, written.junit);
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

/** `ftrag report RUN_JSON [--out DIR] [--prices CATALOG]`: re-render the reports from a saved run, or re-price it. */
const command: CommandModule = {
  command: 'report <runJson>',
  describe: 'Re-render report.html, report.md and junit.xml from a saved run.json, or re-price it with --prices (no model is called)',
  builder: (y: Argv) =>
    y
      .positional('runJson', { type: 'string', describe: 'Path to a run.json written by `ftrag run`', demandOption: true })
      .option('out', { type: 'string', describe: 'Directory for the reports (default: next to run.json; with --prices, repriced-<catalog id>/ beside it)' })
      .option('prices', { type: 'string', describe: 'A price catalog (e.g. from `ftrag prices import`) to re-price the run with; writes a new run.json and reports, and says whether the verdict changes' })
      .example('ftrag report out/run.json --prices prices-2026-12.json', 're-price a saved run with newer prices'),
  run: async (args) => {
    const file = String(args.runJson);
    const { run, items } = await readRun(file);
    if (typeof args.prices === 'string') return reprice(file, run, items, args.prices, args.out);
    const outDir = typeof args.out === 'string' && args.out !== '' ? args.out : dirname(resolve(file));
    const paths = await writeReportFiles(run, items, outDir);
    process.stdout.write(`${paths.html}\n${paths.markdown}\n${paths.junit}\n`);
    return 0;
  },
};
export default command;
