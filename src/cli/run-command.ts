import { relative } from 'node:path';
import type { ProgressMode } from '../runner/progress.js';
import { runExperiment } from '../experiment/experiment.js';
import { gateAfterRun } from './gate-after-run.js';
import { askOnTerminal } from '../experiment/consent.js';
import { renderEvents } from './render-events.js';
import { phaseCollector } from './heap-growth.js';
import { fixHint } from './hints.js';
import { readRun } from '../schema/items.js';

/** A system whose every call failed: its first error, and how to fix it when the cause is a known one. */
async function explainFailedSystems(runJsonPath: string): Promise<void> {
  const { run, items } = await readRun(runJsonPath);
  const failed = run.systems.filter((x) => x.items > 0 && x.errors === x.items);
  if (failed.length === 0) return;
  const firstError = new Map<string, { code: string; message: string }>();
  for await (const item of items()) {
    for (const s of failed) {
      const error = item.results[s.id]?.error;
      if (error && !firstError.has(s.id)) firstError.set(s.id, error);
    }
    if (firstError.size === failed.length) break;
  }
  for (const s of failed) {
    const error = firstError.get(s.id);
    if (!error) continue;
    process.stderr.write(`ftrag: every call of ${s.id} failed; the first: ${error.code}: ${error.message}\n`);
    const fix = fixHint(new Error(`${error.code} ${error.message}`));
    if (fix) process.stderr.write(`ftrag: how to fix: ${fix.hint}\n`);
  }
}

export async function runCommand(args: Record<string, unknown>): Promise<number> {
  const quiet = args.quiet === true;
  const log = (line: string) => {
    if (!quiet) process.stderr.write(`${line}\n`);
  };
  const cwd = process.cwd();
  const outcome = await runExperiment({
    config: args.config as string | undefined,
    out: args.out as string | undefined,
    resume: args.resume as string | undefined,
    limit: args.limit as number | undefined,
    concurrency: args.concurrency as number | undefined,
    cache: args.cache !== false,
    seed: args.seed as number | undefined,
    ...(typeof args.invocationLogs === 'string' ? { invocationLogs: args.invocationLogs } : {}),
    cwd,
    onEvent: renderEvents({ quiet, progress: (args.progress as ProgressMode | undefined) ?? 'auto' }),
    yes: args.yes === true,
    betweenPhases: phaseCollector(),
    confirm: process.stdin.isTTY && process.stderr.isTTY ? askOnTerminal : undefined,
  });
  const where = relative(cwd, outcome.outDir) || '.';
  if (outcome.headline) process.stdout.write(`${outcome.headline}\n`);
  process.stdout.write(`report: ${where}/report.html  (run.json, report.md, junit.xml beside it)\n`);
  let exitCode = outcome.exitCode;
  if (exitCode === 3) await explainFailedSystems(outcome.runJsonPath);
  if (typeof args.baseline === 'string') {
    // The reports are already written: a failed gate never costs CI its artifacts.
    const gateCode = await gateAfterRun(args.baseline, outcome.runJsonPath, args.rules as string | undefined, outcome.outDir, log);
    exitCode = Math.max(exitCode === 3 ? 3 : 0, gateCode);
  }
  return exitCode;
}
