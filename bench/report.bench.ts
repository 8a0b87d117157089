/**
 * Report scale benchmark: render report.html, report.md and junit.xml for 10,000 items × 4 systems.
 * Targets: HTML in < 5 s and < 15 MB. Prints one JSON line per measurement.
 * Run: node --import tsx bench/report.bench.ts [items]
 */
import { performance } from 'node:perf_hooks';
import { itemStreamOf, renderHtml, renderJUnit, renderMarkdown } from '../src/report/index.js';
import { buildRunResult } from '../test/fixtures/run-results/build-run-result.js';

const items = Number(process.argv[2] ?? 10_000);
const run = buildRunResult({ items });
const runJsonBytes = Buffer.byteLength(JSON.stringify(run));

async function measure(name: string, fn: () => string | Promise<string>, target?: { ms?: number; bytes?: number }) {
  await fn(); // warm-up: module init and JIT, so the number is the steady-state cost of one render
  const t0 = performance.now();
  const out = await fn();
  const ms = performance.now() - t0;
  const bytes = Buffer.byteLength(out);
  const pass = (target?.ms === undefined || ms < target.ms) && (target?.bytes === undefined || bytes < target.bytes);
  process.stdout.write(`${JSON.stringify({ bench: `report.${name}`, items, systems: run.systems.length, ms: Math.round(ms), bytes, mb: +(bytes / 1e6).toFixed(2), ...(target ? { target, pass } : {}) })}\n`);
  return pass;
}

const t0 = performance.now();
const itemStream = itemStreamOf(run.items);
const coldHtml = await renderHtml(run, itemStream);
process.stdout.write(`${JSON.stringify({ bench: 'report.html.cold', items, ms: Math.round(performance.now() - t0), bytes: Buffer.byteLength(coldHtml), runJsonBytes })}\n`);
const ok = [
  await measure('html', () => renderHtml(run, itemStream), { ms: 5000, bytes: 15_000_000 }),
  await measure('markdown', () => renderMarkdown(run)),
  await measure('junit', () => renderJUnit(run)),
].every(Boolean);
process.exitCode = ok ? 0 : 1;
