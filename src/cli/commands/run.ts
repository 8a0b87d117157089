import type { CommandModule } from '../command.js';

// Placeholder until the owning issue lands; replaced, never shipped.
const command: CommandModule = {
  command: 'run',
  describe: 'run (not yet built)',
  builder: (y) => y,
  run: async () => {
    process.stderr.write('ftrag run: not built yet\n');
    return 2;
  },
};
export default command;
