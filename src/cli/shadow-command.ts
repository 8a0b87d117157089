import { join, relative, resolve } from 'node:path';
import { runShadow } from '../shadow/run.js';
import { createProgress } from '../runner/progress.js';
import { runGate } from './gate-run.js';

/** `ftrag shadow`: the library's runShadow, its headline on stdout, progress and notes on stderr. */
export async function shadowCommand(args: Record<string, unknown>): Promise<number> {
  const quiet = args.quiet === true;
  const log = (line: string) => {
    if (!quiet) process.stderr.write(`${line}\n`);
  };
  const cwd = process.cwd();
  const outcome = await runShadow({
    logs: ((args.logs as unknown[] | undefined) ?? []).map(String),
    candidate: String(args.candidate ?? ''),
    config: args.config as string | undefined,
    out: args.out as string | undefined,
    resume: args.resume as string | undefined,
    sample: args.sample as number | undefined,
    since: args.since as string | undefined,
    until: args.until as string | undefined,
    modelId: args.modelId as string | undefined,
    operations: (args.operation as unknown[] | undefined)?.map(String),
    seed: args.seed as number | undefined,
    redact: args.redact === true,
    ...(typeof args.judge === 'string' ? { judgeModelId: args.judge } : {}),
    concurrency: args.concurrency as number | undefined,
    cache: args.cache !== false,
    cwd,
    log,
    ...(quiet ? {} : { progressReporter: createProgress('auto') }),
  });
  process.stdout.write(`${outcome.headline}\n`);
  process.stdout.write(`report: ${relative(cwd, outcome.outDir) || '.'}/report.html  (run.json, report.md, junit.xml beside it)\n`);
  if (args.gate === true || typeof args.rules === 'string') {
    log('gate: the shadow run against its own production answers');
    return runGate({
      currentFile: outcome.runJsonPath,
      rulesFile: typeof args.rules === 'string' ? resolve(args.rules) : undefined,
      junit: join(outcome.outDir, 'gate-junit.xml'),
      markdown: join(outcome.outDir, 'gate.md'),
    });
  }
  return outcome.exitCode;
}
