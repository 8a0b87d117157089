import yargs from 'yargs';
import type { Argv } from 'yargs';
import { exitCodeOf } from '../util/errors.js';
import { usageError, type CommandModule } from './command.js';
import { fixHint } from './hints.js';

type Loader = () => Promise<{ default: CommandModule }>;

/** Command modules, loaded only when their command runs so `ftrag --help` stays fast. */
const COMMANDS: Record<string, { describe: string; load: Loader }> = {
  init: { describe: 'Write a commented ftrag.yaml for your own data (eval set, documents, training file)', load: () => import('./commands/init.js') },
  run: { describe: 'Evaluate every system on the held-out set and write run.json and the reports', load: () => import('./commands/run.js') },
  shadow: { describe: 'Replay logged production traffic through a candidate and compare it with production, without references', load: () => import('./commands/shadow.js') },
  score: { describe: 'Score answers produced elsewhere against an eval set', load: () => import('./commands/score.js') },
  gate: { describe: 'Compare a run against a baseline and fail on significant regressions', load: () => import('./commands/gate.js') },
  report: { describe: 'Re-render the reports from a saved run.json', load: () => import('./commands/report.js') },
  plan: { describe: 'What a run would create or reuse, pre-flight results, model calls and estimated cost, without calling AWS', load: () => import('./commands/plan.js') },
  resources: { describe: 'List what ftrag created on the endpoint, with status and hourly cost', load: () => import('./commands/resources.js') },
  cleanup: { describe: 'Delete the provisioned throughput, deployments, Knowledge Bases and data sources ftrag created', load: () => import('./commands/cleanup.js') },
  cost: { describe: 'Cost breakdown and break-even volumes, without running any model', load: () => import('./commands/cost.js') },
  prices: { describe: 'Import AWS Price List files into a price catalog, or compare two catalogs', load: () => import('./commands/prices.js') },
  data: { describe: 'Validate or convert training data, split a held-out set, check contamination and KB coverage', load: () => import('./commands/data.js') },
  export: { describe: 'Write a run as Amazon Bedrock Evaluations datasets with your own inference responses', load: () => import('./commands/export.js') },
  import: { describe: 'Add Amazon Bedrock Evaluations job results to a run as per-item metrics (new run folder)', load: () => import('./commands/import.js') },
  train: { describe: 'Run a model customization job and deploy the custom model', load: () => import('./commands/train.js') },
  cache: { describe: 'Show what the response and metric caches hold, or prune them', load: () => import('./commands/cache.js') },
  emulator: { describe: 'Start the local Bedrock-compatible emulator on 127.0.0.1', load: () => import('./commands/emulator.js') },
};

export async function main(argv: string[]): Promise<number> {
  // `ftrag data validate ... | head`: the reader closed the pipe; what is left to print has no reader, which is not a failure.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  const name = argv.find((a) => !a.startsWith('-'));
  let exitCode = 0;
  let cli: Argv = yargs(argv)
    .scriptName('ftrag')
    .strict()
    .help()
    .version(false)
    .demandCommand(1, 'Name a command, e.g. `ftrag run`.')
    .check((argv) => {
      // yargs turns `--limit abc` into NaN and lets it through; every numeric flag must be a number.
      for (const [key, value] of Object.entries(argv)) {
        if (typeof value === 'number' && Number.isNaN(value) && key.length > 1 && !/[A-Z]/.test(key)) throw usageError(`--${key} must be a number`);
      }
      return true;
    })
    .fail((msg, err) => {
      if (err) throw err;
      throw Object.assign(new Error(msg), { exitCode: 2 });
    });
  for (const [cmd, { describe, load }] of Object.entries(COMMANDS)) {
    if (cmd !== name) {
      cli = cli.command(cmd, describe, (y) => y.strict(false), () => undefined);
      continue;
    }
    const mod = (await load()).default;
    cli = cli.command(mod.command, mod.describe, mod.builder, async (args) => {
      exitCode = await mod.run(args as Record<string, unknown>);
    });
  }
  try {
    await cli.parseAsync();
    return exitCode;
  } catch (err) {
    const fix = fixHint(err);
    const code = fix?.exitCode ?? exitCodeOf(err);
    process.stderr.write(`ftrag: ${(err as Error).message}\n`);
    if (fix) process.stderr.write(`ftrag: how to fix: ${fix.hint}\n`);
    if (code === 3 && process.env.FTRAG_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
    return code;
  }
}
