/**
 * `ftrag prices import <file..>` and `ftrag prices diff <a> <b>`: a catalog from AWS Price List files, and what
 * changed between two catalogs (and, with --run, whether a saved run's verdict changes).
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import type { Argv } from 'yargs';
import { loadCatalog } from '../../cost/index.js';
import { diffCatalogs, renderDiffText } from '../../cost/catalog-diff.js';
import { importPriceLists, readPriceLists } from '../../cost/price-import.js';
import { repriceRun } from '../../experiment/reprice.js';
import { readRunResult } from '../../schema/read.js';
import { InputError } from '../../util/errors.js';
import type { CommandModule } from '../command.js';

const verdictText = (r: { choice: string; systemId?: string } | undefined) => (r ? `${r.choice}${r.systemId && r.systemId !== r.choice ? ` (${r.systemId})` : ''}` : 'none');

async function runImport(args: Record<string, unknown>): Promise<number> {
  const files = (args.files as string[] | undefined) ?? [];
  const out = String(args.out);
  if (existsSync(out) && !args.force) throw new InputError('the output catalog already exists; pass --force to replace it', { file: out, field: '--out' });
  const docs = await readPriceLists(files);
  const mergeOnto = args.merge === false ? undefined : await loadCatalog(typeof args.merge === 'string' ? args.merge : undefined);
  const result = importPriceLists(docs, { mergeOnto });
  await writeFile(out, `${JSON.stringify(result.catalog, null, 1)}\n`, { flag: args.force ? 'w' : 'wx' });
  const c = result.catalog;
  const lines = [
    `wrote ${out}: catalog ${c.id} (${c.date})`,
    `  ${docs.reduce((s, d) => s + d.products.length, 0)} products, ${docs.reduce((s, d) => s + d.rates.length, 0)} on-demand rates read from ${docs.length} file(s)`,
    `  ${result.imported} entries imported${mergeOnto ? `, ${result.replaced} of ${mergeOnto.id}'s replaced, ${result.kept} kept with their own sources` : ''}`,
    `  ${c.unmapped.length} rates or products not mapped (listed under "unmapped" with their SKUs)`,
  ];
  if (c.missing.length) lines.push(`  missing (no price): ${c.missing.length} model(s)`, ...c.missing.map((m) => `    ${m}`));
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

async function runDiff(args: Record<string, unknown>): Promise<number> {
  const a = await loadCatalog(String(args.a));
  const b = await loadCatalog(String(args.b));
  const diff = diffCatalogs(a, b);
  let verdict: ReturnType<typeof repriceRun> | undefined;
  if (typeof args.run === 'string') {
    const run = await readRunResult(args.run);
    const before = repriceRun(run, a);
    verdict = repriceRun(run, b);
    const from = before.recommendation;
    const to = verdict.recommendation;
    const changed = from?.choice !== to?.choice || from?.systemId !== to?.systemId;
    if (args.json) {
      process.stdout.write(`${JSON.stringify({ ...diff, run: { runId: run.runId, before: from, after: to, verdictChanged: changed } }, null, 2)}\n`);
      return 0;
    }
    process.stdout.write(renderDiffText(diff));
    process.stdout.write(`\nRun ${run.runId}: verdict with ${a.id} ${verdictText(from)}; with ${b.id} ${verdictText(to)}: ${changed ? 'the verdict CHANGES' : 'the verdict is the same'}.\n`);
    return 0;
  }
  process.stdout.write(args.json ? `${JSON.stringify(diff, null, 2)}\n` : renderDiffText(diff));
  return 0;
}

const command: CommandModule = {
  command: 'prices <action> [files..]',
  describe: 'Import AWS Price List files into a price catalog, or compare two catalogs',
  builder: (y: Argv) =>
    y
      .positional('action', { choices: ['import', 'diff'] as const, describe: 'import FILE.. | diff A B' })
      .positional('files', { type: 'string', array: true, describe: 'import: AWS Price List files (bulk offer files or saved get-products pages); diff: two catalogs' })
      .option('out', { type: 'string', default: 'prices.json', describe: 'import: catalog file to write (refuses to replace one without --force)' })
      .option('force', { type: 'boolean', default: false, describe: 'import: replace --out if it exists' })
      .option('merge', { describe: 'import: catalog to keep entries from where the files have none (default: the bundled one; --no-merge for imported entries only)' })
      .option('run', { type: 'string', describe: 'diff: a saved run.json to re-price with both catalogs' })
      .option('json', { type: 'boolean', default: false, describe: 'diff: print JSON' })
      .example('ftrag prices import AmazonBedrock.json AmazonS3.json --out prices-2026-12.json', 'a catalog from downloaded offer files')
      .example('ftrag prices diff prices/bedrock-catalog.json prices-2026-12.json --run out/run.json', 'what changed, and whether the verdict does'),
  run: async (args) => {
    const rest = ((args.files as unknown[] | undefined) ?? []).map(String);
    if (args.action === 'import') return runImport({ ...args, files: rest });
    if (rest.length !== 2) throw new InputError('ftrag prices diff needs two catalog files: diff A B', { field: 'diff' });
    return runDiff({ ...args, a: rest[0], b: rest[1] });
  },
};
export default command;
