/**
 * Preloaded (`node --require bench/lib/rusage-at-exit.cjs ...`) into a process a bench measures from outside: when
 * the process exits (normally or through process.exit) it writes the kernel's own accounting of it to the file
 * named by FTRAG_BENCH_RUSAGE: user and system CPU of all its threads, peak RSS (getrusage's ru_maxrss, what
 * `/usr/bin/time -v` reports as "Maximum resident set size"), and VmHWM from /proc where there is one. Nothing else
 * about the process changes.
 */
const { writeFileSync, readFileSync } = require('node:fs');

const target = process.env.FTRAG_BENCH_RUSAGE;
if (target) {
  process.on('exit', (code) => {
    const u = process.resourceUsage();
    let vmHwmKb;
    try {
      vmHwmKb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);
    } catch {
      vmHwmKb = undefined;
    }
    writeFileSync(target, JSON.stringify({ exitCode: code, userS: u.userCPUTime / 1e6, systemS: u.systemCPUTime / 1e6, maxRssKb: u.maxRSS, vmHwmKb }));
  });
}
