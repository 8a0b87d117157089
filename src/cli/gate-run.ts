import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  assertSameEvalSet,
  evaluateGate,
  loadGateRules,
  renderGateJUnit,
  renderGateLines,
  renderGateMarkdown,
  rulesFromRun,
} from '../gate/index.js';
import { readRun } from '../schema/items.js';
import { InputError } from '../util/errors.js';

export interface GateRunOptions {
  /** Absent for a shadow run, which carries its own baseline (production). */
  baselineFile?: string;
  currentFile: string;
  rulesFile?: string;
  junit?: string;
  markdown?: string;
  seed?: number;
  json?: boolean;
}

async function writeOutput(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text, 'utf8');
}

/** Shared by `ftrag gate` and `ftrag run --baseline`: evaluate, write markdown/JUnit, print one line per check. */
export async function runGate(opts: GateRunOptions): Promise<number> {
  const currentRun = await readRun(opts.currentFile);
  const current = currentRun.run;
  if (!opts.baselineFile && current.kind !== 'shadow') throw new InputError('--baseline is required (only a shadow run carries its own baseline)', { field: 'baseline' });
  const baselineFile = opts.baselineFile ?? opts.currentFile;
  const baselineRun = opts.baselineFile ? await readRun(opts.baselineFile) : currentRun;
  const baseline = baselineRun.run;
  assertSameEvalSet(baseline, current, { baseline: baselineFile, current: opts.currentFile });
  const rules = opts.rulesFile ? await loadGateRules(opts.rulesFile) : rulesFromRun(current);
  if (opts.seed !== undefined && !Number.isInteger(opts.seed)) throw new InputError('--seed must be an integer', { field: 'seed' });
  const report = await evaluateGate(baselineRun, currentRun, rules, { seed: opts.seed ?? current.seed });

  const markdown = renderGateMarkdown(report);
  if (opts.markdown) await writeOutput(opts.markdown, markdown);
  if (opts.junit) await writeOutput(opts.junit, renderGateJUnit(report));
  const stepSummary = process.env.GITHUB_STEP_SUMMARY;
  if (stepSummary) await appendFile(stepSummary, `${markdown}\n`, 'utf8');

  process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : `${renderGateLines(report).join('\n')}\n`);
  return report.passed ? 0 : 1;
}
