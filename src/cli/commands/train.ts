import { usageError, type CommandModule } from '../command.js';

const command: CommandModule = {
  command: 'train',
  describe: 'Run a model customization job, wait with progress, deploy the custom model and record it for `ftrag run`',
  builder: (y) =>
    y
      .option('config', { alias: 'c', type: 'string', describe: 'Experiment config (YAML or JSON); default ./ftrag.yaml, else the bundled demo' })
      .option('system', { type: 'string', describe: 'Which system to train (needed when several have a training section)' })
      .option('wait', { type: 'boolean', default: true, describe: 'Wait for the job (--no-wait prints the job ARN and exits)' })
      .option('attach', { type: 'string', describe: 'Resume waiting on an existing job (its ARN), then deploy and record it' })
      .option('stop', { type: 'string', describe: 'Stop a running customization job (its ARN)' })
      .option('delete-provisioned', { type: 'string', describe: 'Delete provisioned throughput (its ARN); it bills by the hour' })
      .option('out', { alias: 'o', type: 'string', describe: 'Where to record the trained model (default .ftrag/trained/<system>.json)' })
      .option('poll-ms', { type: 'number', describe: 'Status poll interval (default 200 ms on the emulator, 30 s on AWS)' })
      .option('quiet', { alias: 'q', type: 'boolean', default: false })
      .option('yes', { alias: 'y', type: 'boolean', default: false, describe: 'On AWS: start the billable job without asking' })
      .check((a) => {
        if (a.attach !== undefined && a.wait === false) throw usageError('--attach waits for the job; drop --no-wait');
        if (a['poll-ms'] !== undefined && !(Number(a['poll-ms']) > 0)) throw usageError('--poll-ms must be a positive number');
        return true;
      }),
  run: async (args) => {
    const { runTrain } = await import('../../training/train.js');
    const { askOnTerminal } = await import('../../experiment/consent.js');
    const quiet = args.quiet === true;
    const outcome = await runTrain({
      config: args.config as string | undefined,
      system: args.system as string | undefined,
      wait: args.wait !== false,
      attach: args.attach as string | undefined,
      stop: args.stop as string | undefined,
      deleteProvisioned: args.deleteProvisioned as string | undefined,
      out: args.out as string | undefined,
      pollMs: args.pollMs as number | undefined,
      yes: args.yes === true,
      confirm: process.stdin.isTTY && process.stderr.isTTY ? askOnTerminal : undefined,
      cwd: process.cwd(),
      log: (line) => {
        if (!quiet) process.stderr.write(`${line}\n`);
      },
      print: (line) => process.stdout.write(`${line}\n`),
      progress: { write: (text) => (quiet ? undefined : process.stderr.write(text)), tty: !quiet && process.stderr.isTTY === true },
    });
    return outcome.exitCode;
  },
};
export default command;
