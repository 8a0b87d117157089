import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
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
    const { findConfigFile, loadConfig, withConfigLocation } = await import('../../config/load.js');
    const { planRun, renderPlan } = await import('../../experiment/plan.js');
    const { DEMO_CONFIG } = await import('../../experiment/demo.js');
    const cwd = process.cwd();
    const file = args.config ? resolve(cwd, args.config as string) : ((await findConfigFile(cwd)) ?? fileURLToPath(DEMO_CONFIG));
    const loaded = await loadConfig(file);
    try {
      const plan = await planRun(loaded, { limit: args.limit as number | undefined, log: (l) => process.stderr.write(`${l}\n`) });
      process.stdout.write(args.json ? `${JSON.stringify(plan, null, 2)}\n` : renderPlan(plan));
      return 0;
    } catch (err) {
      throw withConfigLocation(err, loaded);
    }
  },
};
export default command;
