import type { Argv } from 'yargs';

/** One CLI command. `run` returns the exit code; only `main` exits. Handlers are imported lazily. */
export interface CommandModule {
  command: string | string[];
  describe: string;
  builder: (yargs: Argv) => Argv;
  run: (args: Record<string, unknown>) => Promise<number>;
}

/** A bad flag: exit 2 (yargs' own validation failures already are; this is for `.check` callbacks). */
export function usageError(message: string): Error {
  return Object.assign(new Error(message), { exitCode: 2 as const });
}
