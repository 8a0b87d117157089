/**
 * Whole-process measurement for the benches: runs one command to its end and returns its wall time (monotonic clock
 * around spawn and exit), its CPU (user + system over all its threads) and its peak RSS, both from the kernel's own
 * accounting read inside the process at exit by the `rusage-at-exit.cjs` preload (getrusage: what `/usr/bin/time -v`
 * prints). Output goes to a log file, not through a pipe the bench must drain.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PRELOAD = join(dirname(fileURLToPath(import.meta.url)), 'rusage-at-exit.cjs');

export interface Measured {
  wallS: number;
  userS: number;
  systemS: number;
  cpuS: number;
  peakRssMb: number;
  exitCode: number | null;
}

/** Runs `node --require <preload> ...args` in `cwd`; stdout and stderr go to `logFile`. */
export function measureNode(args: string[], opts: { cwd: string; logFile: string; env?: NodeJS.ProcessEnv }): Promise<Measured> {
  const usageFile = `${opts.logFile}.rusage.json`;
  rmSync(usageFile, { force: true });
  const log = openSync(opts.logFile, 'a');
  const started = performance.now();
  const child = spawn(process.execPath, ['--require', PRELOAD, ...args], {
    cwd: opts.cwd,
    stdio: ['ignore', log, log],
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...process.env, ...opts.env, FTRAG_BENCH_RUSAGE: usageFile },
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      const wallS = (performance.now() - started) / 1000;
      closeSync(log);
      if (!existsSync(usageFile)) return reject(new Error(`no resource usage from ${args.join(' ')} (exit ${code}); see ${opts.logFile}`));
      const u = JSON.parse(readFileSync(usageFile, 'utf8')) as { userS: number; systemS: number; maxRssKb: number };
      resolve({ wallS, userS: u.userS, systemS: u.systemS, cpuS: u.userS + u.systemS, peakRssMb: u.maxRssKb / 1024, exitCode: code });
    });
  });
}

/** CPU seconds a live process has used so far, from /proc (undefined where there is none). */
export function cpuSecondsOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of /proc/<pid>/stat (1-based), in clock ticks: 100 a second on Linux.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function machine(): { cores: number; load1: number; node: string } {
  return { cores: cpus().length, load1: Number(loadavg()[0].toFixed(2)), node: process.version };
}

export const round = (x: number, digits = 2) => Number(x.toFixed(digits));
