import type { CommandModule } from '../command.js';

// Placeholder until the owning issue lands; replaced, never shipped.
const command: CommandModule = {
  command: 'cost',
  describe: 'cost (not yet built)',
  builder: (y) => y,
  run: async () => {
    process.stderr.write('ftrag cost: not built yet\n');
    return 2;
  },
};
export default command;
