import type { CommandModule } from '../command.js';

const command: CommandModule = {
  command: 'cleanup',
  describe: 'Delete the provisioned throughput, deployments, Knowledge Bases, data sources and SageMaker endpoints ftrag created (asks first; --yes)',
  builder: (y) =>
    y
      .option('config', { alias: 'c', type: 'string', describe: 'Experiment config (YAML or JSON); default ./ftrag.yaml, else the bundled demo' })
      .option('yes', { alias: 'y', type: 'boolean', default: false, describe: 'Delete without asking' })
      .option('models', { type: 'boolean', default: false, describe: 'Also delete the custom models (they bill storage monthly; a later run trains again)' }),
  run: async (args) => {
    const { cleanupResources, renderResources } = await import('../../experiment/resources-command.js');
    const { askOnTerminal } = await import('../../experiment/consent.js');
    const interactive = process.stdin.isTTY === true && process.stderr.isTTY === true;
    const outcome = await cleanupResources({
      config: args.config as string | undefined,
      cwd: process.cwd(),
      models: args.models === true,
      log: (l) => process.stderr.write(`${l}\n`),
      confirm: async (rows) => {
        if (args.yes === true) return true;
        process.stderr.write(renderResources(rows));
        if (!interactive) throw Object.assign(new Error(`cleanup would delete ${rows.length} resource(s) listed above: pass --yes to delete them`), { exitCode: 2 });
        return askOnTerminal(`Delete these ${rows.length} resource(s)? [y/N] `);
      },
    });
    if (!outcome.confirmed) {
      process.stderr.write('not confirmed: nothing was deleted\n');
      return 2;
    }
    process.stdout.write(outcome.deleted.length ? `deleted ${outcome.deleted.length} resource(s)\n` : 'nothing to delete\n');
    return 0;
  },
};
export default command;
