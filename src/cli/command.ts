import type { Argv } from 'yargs';

/** One CLI command. `run` returns the exit code; only `main` exits. Handlers are imported lazily. */
export interface CommandModule {
  command: string | string[];
  describe: string;
  builder: (yargs: Argv) => Argv;
  run: (args: Record<string, unknown>) => Promise<number>;
}
