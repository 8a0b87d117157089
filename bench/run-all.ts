/**
 * `npm run bench`: runs every benchmark script in its own process, one after another (they measure time and memory,
 * so they must not share the machine), and prints their JSON lines. `npm run bench -- scoring runner` runs a subset.
 * Performance targets live here, never in tests.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const isExact = (w: string) => readdirSync(here).includes(`${w}.bench.ts`);
const scripts = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  // A name that is exactly a bench's ("latency") picks that one; otherwise a prefix picks every bench it starts.
  .filter((f) => wanted.length === 0 || wanted.some((w) => (f === `${w}.bench.ts` ? true : !isExact(w) && f.startsWith(w))))
  .sort();
let failed = 0;
for (const script of scripts) {
  process.stdout.write(`\n## ${script}\n`);
  const started = Date.now();
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(here, script)], {
    stdio: 'inherit',
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...process.env },
  });
  process.stdout.write(`(${script}: ${((Date.now() - started) / 1000).toFixed(1)} s, exit ${result.status})\n`);
  if (result.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
