import { dirname, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { writeReportFiles } from '../../report/index.js';
import { readRunResult } from '../../schema/read.js';
import type { CommandModule } from '../command.js';

/** `ftrag report RUN_JSON [--out DIR]`: re-render report.html, report.md and junit.xml from a saved run. */
const command: CommandModule = {
  command: 'report <runJson>',
  describe: 'Re-render report.html, report.md and junit.xml from a saved run.json (no model is called)',
  builder: (y: Argv) =>
    y
      .positional('runJson', { type: 'string', describe: 'Path to a run.json written by `ftrag run`', demandOption: true })
      .option('out', { type: 'string', describe: 'Directory for the reports (default: next to run.json)' }),
  run: async (args) => {
    const file = String(args.runJson);
    const run = await readRunResult(file);
    const outDir = typeof args.out === 'string' && args.out !== '' ? args.out : dirname(resolve(file));
    const paths = await writeReportFiles(run, outDir);
    process.stdout.write(`${paths.html}\n${paths.markdown}\n${paths.junit}\n`);
    return 0;
  },
};
export default command;
