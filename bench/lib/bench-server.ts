/** Starts `converse-server.mjs` as its own process (plain node) and hands back its URL, pid and CPU so far. */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { cpuSecondsOf } from './measure.js';

export interface BenchServer {
  url: string;
  pid: number;
  /** CPU seconds the server has used so far (undefined without /proc). */
  cpuS(): number | undefined;
  stop(): Promise<void>;
}

export async function startBenchServer(): Promise<BenchServer> {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'converse-server.mjs');
  const child: ChildProcess = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`bench server exited (${code}) before listening`)));
  });
  const { url } = JSON.parse(first) as { url: string };
  const pid = child.pid!;
  return {
    url,
    pid,
    cpuS: () => cpuSecondsOf(pid),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
