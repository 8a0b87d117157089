import { usageError, type CommandModule } from '../command.js';

const command: CommandModule = {
  command: 'shadow',
  describe: 'Replay logged production traffic (Bedrock model invocation logs) through a candidate and compare, without references',
  builder: (y) =>
    y
      .option('logs', { alias: 'l', type: 'string', array: true, describe: 'Invocation log files, folders or s3://bucket/prefix (repeatable)' })
      .option('candidate', { type: 'string', describe: 'System id in the config that answers the replayed traffic' })
      .option('config', { alias: 'c', type: 'string', describe: 'Experiment config with the candidate system (default ./ftrag.yaml, else the bundled demo)' })
      .option('out', { alias: 'o', type: 'string', describe: 'Output folder (default reports/shadow-<run-id>)' })
      .option('resume', { type: 'string', describe: 'Finish an interrupted shadow run in this folder (its options are reused)' })
      .option('sample', { type: 'number', describe: 'Replay a reproducible sample of N requests (seeded by the config seed)' })
      .option('since', { type: 'string', describe: 'Only records at or after this ISO 8601 time' })
      .option('until', { type: 'string', describe: 'Only records before this ISO 8601 time' })
      .option('model-id', { type: 'string', describe: 'Production model id, as logged (required when the logs hold calls to more than one model)' })
      .option('operation', { type: 'string', array: true, describe: 'Only these operations (Converse, ConverseStream, InvokeModel, InvokeModelWithResponseStream)' })
      .option('seed', { type: 'number', describe: 'Seed for sampling, scheduling and statistics (default: the config seed)' })
      .option('judge', { type: 'string', describe: 'Pairwise judge model id (overrides the config\'s judge.modelId; no judge unless one is set)' })
      .option('redact', { type: 'boolean', default: false, describe: 'Mask e-mail addresses, phone numbers and card-like numbers in run.json and the reports' })
      .option('concurrency', { type: 'number', describe: 'Replay calls in flight' })
      .option('cache', { type: 'boolean', default: true, describe: 'Use the response cache (--no-cache to switch it off)' })
      .option('gate', { type: 'boolean', default: false, describe: "Gate the shadow run after writing it (exit 1 when a rule fails): --rules, else the config's gate.rules, else the shadow defaults" })
      .option('rules', { type: 'string', describe: 'Gate rules file (implies --gate), e.g. agreement-floor and judge-preference rules' })
      .option('quiet', { alias: 'q', type: 'boolean', default: false })
      .check((a) => {
        if (!a.resume && (!a.logs || (a.logs as unknown[]).length === 0)) throw usageError('--logs is required (a file, folder or s3:// prefix)');
        if (!a.resume && !a.candidate) throw usageError('--candidate is required (a system id from the config)');
        if (a.sample !== undefined && (!Number.isInteger(a.sample) || (a.sample as number) < 1)) throw usageError('--sample must be a positive integer');
        if (a.concurrency !== undefined && (!Number.isInteger(a.concurrency) || (a.concurrency as number) < 1)) throw usageError('--concurrency must be a positive integer');
        return true;
      }),
  run: async (args) => {
    const { shadowCommand } = await import('../shadow-command.js');
    return shadowCommand(args);
  },
};
export default command;
