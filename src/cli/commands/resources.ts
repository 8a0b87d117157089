import type { CommandModule } from '../command.js';

const command: CommandModule = {
  command: 'resources',
  describe: 'List what ftrag created on the config\'s endpoint (kind, id/ARN, status, hourly cost, system, run id)',
  builder: (y) =>
    y
      .option('config', { alias: 'c', type: 'string', describe: 'Experiment config (YAML or JSON); default ./ftrag.yaml, else the bundled demo' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the list as JSON' }),
  run: async (args) => {
    const { listResources, renderResources } = await import('../../experiment/resources-command.js');
    const rows = await listResources({ config: args.config as string | undefined, cwd: process.cwd(), log: (l) => process.stderr.write(`${l}\n`) });
    process.stdout.write(args.json ? `${JSON.stringify(rows, null, 2)}\n` : renderResources(rows));
    return 0;
  },
};
export default command;
