import type { CommandModule } from '../command.js';

const command: CommandModule = {
  command: 'plan',
  describe: 'Show what a run would create or reuse, the pre-flight results, the model calls and the estimated cost of this run, without calling AWS',
  builder: (y) =>
    y
      .option('config', { alias: 'c', type: 'string', describe: 'Experiment config (YAML or JSON); default ./ftrag.yaml, else the bundled demo' })
      .option('limit', { type: 'number', describe: 'Only the first N items of the eval set' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the plan as JSON' }),
  run: async (args) => {
    const { planCommand } = await import('../plan-command.js');
    return planCommand(args);
  },
};
export default command;
