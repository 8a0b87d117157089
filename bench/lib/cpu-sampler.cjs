/**
 * Preloaded (`node --require bench/lib/cpu-sampler.cjs ...`) into a process a bench splits into phases afterwards:
 * every 100 ms it notes the wall clock (ms since the epoch) and the process's CPU so far (user + system, all
 * threads, ms), and at exit writes the lines `<wall ms> <cpu ms>` to the file named by FTRAG_BENCH_CPULOG. Wall-time
 * profiles (`--cpu-prof`) attribute time a loaded machine spent elsewhere; this counts only CPU the process used.
 */
const { writeFileSync } = require('node:fs');

const target = process.env.FTRAG_BENCH_CPULOG;
if (target) {
  const rows = [];
  const sample = () => {
    const u = process.cpuUsage();
    rows.push(`${Date.now()} ${(u.user + u.system) / 1000}`);
  };
  sample();
  setInterval(sample, 100).unref();
  process.on('exit', () => {
    sample();
    writeFileSync(target, `${rows.join('\n')}\n`);
  });
}
