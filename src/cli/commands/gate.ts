import { InputError } from '../../util/errors.js';
import { runGate } from '../gate-run.js';
import type { CommandModule } from '../command.js';

const command: CommandModule = {
  command: 'gate',
  describe: 'Compare a run against a baseline and fail on significant regressions (exit 0 pass, 1 fail, 2 bad input)',
  builder: (y) =>
    y
      .option('baseline', { type: 'string', describe: 'Baseline run.json (optional when --current is a shadow run: production is its baseline)' })
      .option('current', { type: 'string', demandOption: true, describe: 'Current run.json' })
      .option('rules', { type: 'string', describe: 'Gate rules, YAML or JSON {rules: [...]}; default: the current run\'s config.gate.rules, else built-in defaults' })
      .option('junit', { type: 'string', describe: 'Write JUnit XML here (one testcase per check)' })
      .option('markdown', { type: 'string', describe: 'Write a markdown summary here (also appended to $GITHUB_STEP_SUMMARY when set)' })
      .option('seed', { type: 'number', describe: 'Bootstrap seed; default: the current run\'s seed' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the full gate report as JSON instead of one line per check' }),
  run: async (args) => {
    try {
      return await runGate({
        baselineFile: typeof args.baseline === 'string' ? args.baseline : undefined,
        currentFile: String(args.current),
        rulesFile: typeof args.rules === 'string' ? args.rules : undefined,
        junit: typeof args.junit === 'string' ? args.junit : undefined,
        markdown: typeof args.markdown === 'string' ? args.markdown : undefined,
        seed: typeof args.seed === 'number' ? args.seed : undefined,
        json: args.json === true,
      });
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      process.stderr.write(`ftrag gate: ${err.message}\n`);
      return err.exitCode;
    }
  },
};
export default command;
