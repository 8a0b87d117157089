/**
 * `npm run bench`: runs every benchmark script in its own process, one after another (they measure time and memory,
 * so they must not share the machine), and prints their JSON lines. `npm run bench -- scoring runner` runs a subset;
 * `npm run bench -- issue20` runs issue 20's (statistics, cache, resume, eval set, harness ratio, whole-run scale and peak
 * RSS, report).
 * Performance targets live here, never in tests.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** Named sets of benches: `npm run bench -- issue20` prints every figure of issue 20 in one closing table. */
const GROUPS: Record<string, string[]> = {
  issue20: ['scale-stats', 'scale-cache', 'scale-resume', 'scale-eval-set', 'harness', 'scale-run', 'report-scale'],
};
const wanted = process.argv.slice(2).flatMap((w) => GROUPS[w] ?? [w]);
const isExact = (w: string) => readdirSync(here).includes(`${w}.bench.ts`);
const scripts = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  // A name that is exactly a bench's ("latency") picks that one; otherwise a prefix picks every bench it starts.
  .filter((f) => wanted.length === 0 || wanted.some((w) => (f === `${w}.bench.ts` ? true : !isExact(w) && f.startsWith(w))))
  .sort();
let failed = 0;
/** Every JSON line that carries a ratio (a figure against its target or its yardstick), for the closing table. */
const ratios: RatioRow[] = [];
for (const script of scripts) {
  process.stdout.write(`\n## ${script}\n`);
  const started = Date.now();
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(here, script)], {
    stdio: ['inherit', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...process.env },
  });
  process.stdout.write(result.stdout ?? '');
  for (const line of (result.stdout ?? '').split('\n')) ratios.push(...ratioRows(line, script));
  process.stdout.write(`(${script}: ${((Date.now() - started) / 1000).toFixed(1)} s, exit ${result.status})\n`);
  if (result.status !== 0) failed++;
}
if (ratios.length) {
  process.stdout.write(`\n## all ratios (${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores, load ${loadavg()[0].toFixed(1)})\n`);
  process.stdout.write('| bench | case | figures | ratio | target | met |\n|---|---|---|---|---|---|\n');
  for (const r of ratios) process.stdout.write(`| ${r.bench} | ${r.case} | ${r.figure} | ${r.ratio} | ${r.target ?? ''} | ${r.met === undefined ? '' : r.met ? 'yes' : 'no'} |\n`);
  const targeted = ratios.filter((r) => r.met !== undefined);
  // One line to read first: how many of the rows with a target met it (a bench that failed before printing adds none).
  process.stdout.write(`\ntargets met: ${targeted.filter((r) => r.met).length} of ${targeted.length}${targeted.some((r) => !r.met) ? ` (not met: ${targeted.filter((r) => !r.met).map((r) => `${r.bench} ${r.case}`).join('; ')})` : ''}\n`);
}
process.exitCode = failed ? 1 : 0;

interface RatioRow {
  bench: string;
  case: string;
  figure: string;
  ratio: number;
  /** What the ratio must be to meet its target, as the bench states it: `<= 1`, `>= 0.90`, `< 1` (a strict "under"). */
  target?: string;
  met?: boolean;
}

/**
 * A bench line's ratio fields (`ratio`, `*_ratio`), with the figures beside them (`ms`, `target_ms`, `*_s`, `*_mb`,
 * ...). A line may say what its `ratio` must be (`target: "<= 1"` or `">= 0.9"`); without one, `target_ms`/`target_mb`
 * beside `ratio` mean figure / target, which meets at <= 1.
 */
function ratioRows(line: string, script: string): RatioRow[] {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return [];
  }
  if (!record || typeof record !== 'object') return [];
  const figures = Object.entries(record)
    .filter(([k, v]) => typeof v === 'number' && !k.endsWith('ratio') && /(_ms|^ms|_mb|^mb|_s$|bytes|files|rss)/.test(k))
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const stated = typeof record.target === 'string' ? record.target : 'target_ms' in record || 'target_mb' in record ? '<= 1' : undefined;
  return Object.entries(record)
    .filter(([k, v]) => (k === 'ratio' || k.endsWith('_ratio')) && typeof v === 'number')
    .map(([k, v]) => {
      const target = k === 'ratio' ? stated : undefined;
      return {
        bench: String(record.bench ?? script),
        case: `${String(record.case ?? '')}${k === 'ratio' ? '' : ` (${k})`}`,
        figure: figures,
        ratio: v as number,
        ...(target ? { target, met: meets(v as number, target) } : {}),
      };
    });
}

function meets(ratio: number, target: string): boolean | undefined {
  const m = /^(<=|>=|<|>)\s*([\d.]+)$/.exec(target.trim());
  if (!m) return undefined;
  const bound = Number(m[2]);
  return m[1] === '<=' ? ratio <= bound : m[1] === '>=' ? ratio >= bound : m[1] === '<' ? ratio < bound : ratio > bound;
}
