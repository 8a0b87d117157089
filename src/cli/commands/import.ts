/** `ftrag import bedrock-eval JOB_OUTPUT... --run RUN`: Bedrock Evaluations job results added to a run as per-item metrics. */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { MANIFEST_NAME, type ExportManifest } from '../../bedrock-eval/export.js';
import { importBedrockEval } from '../../bedrock-eval/import.js';
import { readJobOutput } from '../../bedrock-eval/job-output.js';
import { writeReports } from '../../report/index.js';
import { verdictText } from '../../report/imported.js';
import { itemStreamOf, readRun, runFileOf } from '../../schema/items.js';
import { ItemResult, RunSummary } from '../../schema/run-result.js';
import { InputError } from '../../util/errors.js';
import type { CommandModule } from '../command.js';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

async function readManifest(file: string): Promise<{ path: string; doc: ExportManifest }> {
  try {
    return { path: file, doc: JSON.parse(await readFile(file, 'utf8')) as ExportManifest };
  } catch (err) {
    throw new InputError(`cannot read the export manifest: ${(err as Error).message}`, { file, field: '--manifest' });
  }
}

const command: CommandModule = {
  command: 'import <source> <jobOutput..>',
  describe: 'Add the metrics of Amazon Bedrock Evaluations jobs (run on `ftrag export bedrock-eval` datasets) to a run as per-item metrics; writes a new run folder',
  builder: (y: Argv) =>
    y
      .positional('source', { choices: ['bedrock-eval'] as const, describe: 'bedrock-eval' })
      .positional('jobOutput', { type: 'string', array: true, describe: "Folders the jobs wrote (after `aws s3 sync`), or their *_output.jsonl files", demandOption: true })
      .option('run', { type: 'string', demandOption: true, describe: 'The run folder (or its run.json) the datasets were exported from' })
      .option('manifest', { type: 'string', describe: `The export manifest (default: bedrock-eval/${MANIFEST_NAME} in the run folder)` })
      .option('out', { type: 'string', describe: 'Folder for the new run (default: with-bedrock-eval/ in the run folder); never the run folder itself' })
      .option('primary', { type: 'string', describe: 'Decide the verdict on this metric, e.g. bedrock.correctness (default: the run\'s primary metric)' })
      .option('system', { type: 'string', describe: 'System id for every record, when the jobs\' identifiers are not ftrag system ids' })
      .example('ftrag import bedrock-eval eval-output/ --run reports/latest', 'add the judge metrics to the latest run'),
  run: async (args) => {
    const runArg = resolve(String(args.run));
    const runFile = await runFileOf(runArg);
    const saved = await readRun(runFile);
    const { run } = saved;
    const runDir = dirname(runFile);
    const manifestFile = typeof args.manifest === 'string' ? resolve(args.manifest) : join(runDir, 'bedrock-eval', MANIFEST_NAME);
    const manifest = typeof args.manifest === 'string' || existsSync(manifestFile) ? await readManifest(manifestFile) : undefined;
    const outDir = resolve(typeof args.out === 'string' && args.out !== '' ? args.out : join(runDir, 'with-bedrock-eval'));
    if (outDir === runDir || existsSync(join(outDir, 'run.json'))) {
      throw new InputError('a run.json is already there; an import never replaces a run: choose another --out', { file: join(outDir, 'run.json'), field: '--out' });
    }
    const output = await readJobOutput((args.jobOutput as string[]).map((p) => resolve(p)));
    const { run: next, items, summary } = await importBedrockEval(saved, output, {
      manifest,
      system: typeof args.system === 'string' ? args.system : undefined,
      primaryMetric: typeof args.primary === 'string' ? args.primary : undefined,
    });
    const written = await writeReports(RunSummary.parse(next), itemStreamOf(items.map((i) => ItemResult.parse(i))), outDir);

    const lines = [`Imported ${summary.files.reduce((n, f) => n + f.records, 0)} records from ${summary.files.length} file(s) into run ${run.runId}; ${runFile} is unchanged.`];
    if (!manifest) lines.push(`warning: no export manifest (${manifestFile}): every record was matched by its prompt text.`);
    if (summary.mismatchCount > 0) lines.push(`warning: ${summary.mismatchCount} record(s) did not match the manifest's item for their line and were matched by prompt (first: ${summary.mismatches[0].file} line ${summary.mismatches[0].line}, item ${summary.mismatches[0].itemId} instead of ${summary.mismatches[0].manifestItemId}).`);
    for (const s of summary.skippedMetrics) lines.push(`note: ${s.bedrockName} not imported (${s.records} records): ${s.reason}.`);
    for (const m of summary.metrics) {
      const per = m.systems.map((s) => {
        const sum = next.systems.find((x) => x.id === s)!.metrics[m.name];
        const extra = [m.notReturned[s] ? `${m.notReturned[s]} not returned` : '', m.notApplicable[s] ? `${m.notApplicable[s]} n/a` : '', m.failedAsZero[s] ? `${m.failedAsZero[s]} failed = 0` : ''].filter(Boolean).join(', ');
        return `${s} ${sum ? `${pct(sum.mean)} [${pct(sum.ci95[0])}, ${pct(sum.ci95[1])}] n=${sum.n}` : 'no score'}${extra ? ` (${extra})` : ''}`;
      });
      lines.push(`  ${m.name} (${m.bedrockName}${m.higherIsBetter ? '' : ', lower is better'}): ${per.join('; ')}`);
    }
    for (const v of summary.verdicts) lines.push(`  verdict on ${v.metric}: ${verdictText(v, summary, next)}`);
    if (next.recommendation) lines.push(`Verdict (${next.primaryMetric}): ${next.recommendation.headline}`);
    lines.push(written.runJson, written.html, written.markdown, written.junit);
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  },
};
export default command;
