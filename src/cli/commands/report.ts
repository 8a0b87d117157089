import type { CommandModule } from '../command.js';

// Placeholder until the owning issue lands; replaced, never shipped.
const command: CommandModule = {
  command: 'report',
  describe: 'report (not yet built)',
  builder: (y) => y,
  run: async () => {
    process.stderr.write('ftrag report: not built yet\n');
    return 2;
  },
};
export default command;
