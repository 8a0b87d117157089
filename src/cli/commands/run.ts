import { usageError, type CommandModule } from '../command.js';

const command: CommandModule = {
  command: 'run',
  describe: 'Evaluate every system on the held-out set and write run.json and the reports (no config: the bundled demo on the emulator)',
  builder: (y) =>
    y
      .option('config', { alias: 'c', type: 'string', describe: 'Experiment config (YAML or JSON); default ./ftrag.yaml, else the bundled demo' })
      .option('out', { alias: 'o', type: 'string', describe: 'Output folder (default reports/<run-id>)' })
      .option('limit', { type: 'number', describe: 'Only the first N items of the eval set' })
      .option('concurrency', { type: 'number', describe: 'Calls in flight per system' })
      .option('resume', { type: 'string', describe: 'Finish an interrupted run in this folder' })
      .option('cache', { type: 'boolean', default: true, describe: 'Use the response cache (--no-cache to switch it off)' })
      .option('seed', { type: 'number', describe: 'Seed for scheduling and statistics' })
      .option('invocation-logs', { type: 'string', describe: "Embedded emulator: log every model call to this s3://bucket/prefix of its S3, as Bedrock's invocation logging does (for ftrag shadow)" })
      .option('baseline', { type: 'string', describe: 'Gate this run against a baseline run.json (exit 1 on a significant regression)' })
      .option('rules', { type: 'string', describe: 'Gate rules file (with --baseline)' })
      .option('progress', { choices: ['auto', 'bar', 'lines', 'none'] as const, default: 'auto' as const })
      .option('quiet', { alias: 'q', type: 'boolean', default: false })
      .option('yes', { alias: 'y', type: 'boolean', default: false, describe: 'On AWS: create billable resources without asking' })
      .option('dry-run', { type: 'boolean', default: false, describe: 'Print the plan (as `ftrag plan`) and call nothing' })
      .option('json', { type: 'boolean', default: false, describe: 'With --dry-run: print the plan as JSON' })
      .check((a) => {
        if (a.limit !== undefined && (!Number.isInteger(a.limit) || a.limit < 1)) throw usageError('--limit must be a positive integer');
        if (a.concurrency !== undefined && (!Number.isInteger(a.concurrency) || a.concurrency < 1)) throw usageError('--concurrency must be a positive integer');
        return true;
      }),
  run: async (args) => {
    if (args.dryRun === true) {
      const { planCommand } = await import('../plan-command.js');
      return planCommand(args);
    }
    const { runCommand } = await import('../run-command.js');
    return runCommand(args);
  },
};
export default command;
