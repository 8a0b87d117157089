/**
 * The HTML report at scale: renders report.html for a synthetic but realistic run (bench/report-scale-data.ts: 100,000
 * items x 4 systems by default, real-English texts from SQuAD, hostile HTML spread over the run), then opens it in
 * headless Chromium from a file:// URL and measures what a reader waits for:
 *   load        navigation start -> the first page of answers is on screen and the controls answer (interactive)
 *   filters     a text search (a common word, first and again; a rare word drawn from the run; an item id), a
 *               category, a system + wrong-answers-only, the next page: from the event to the complete result painted
 *               (two animation frames; a search's first matches shown while it goes on do not count as done)
 * Targets (issue 20): one offline file < 25 MB, load < 3 s, every filter < 200 ms. Prints one JSON line per figure with
 * a `ratio` (figure / target) that bench/run-all.ts collects; exits 1 when a target is missed. Beside each wall time,
 * `main_cpu_ms` and `renderer_cpu_ms`: of CPU the page's main thread and its whole renderer process spent
 * (Chromium's Performance metrics), the steadier figures on a shared machine (load counts, launch included).
 * Run: node --import tsx bench/report-scale.bench.ts [items] [--keep DIR] [--open FILE]   (needs /usr/bin/chromium)
 * --open measures a report.html rendered before for the same items (by --keep, maybe by an older ftrag) instead of
 * rendering one: A/B runs of two pages, alternated in the same minutes.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { chromium } from 'playwright-core';
import { READY, rendererCpu, timeAction, type Action } from './report-scale-page.js';
import { renderReportHtml } from './report-scale-render.js';
import { buildScaleRun, rareWord } from './report-scale-data.js';

const CHROMIUM = '/usr/bin/chromium';
const args = process.argv.slice(2);
const keepAt = args.indexOf('--keep');
const keepDir = keepAt >= 0 ? resolve(args[keepAt + 1]) : undefined;
const openAt = args.indexOf('--open');
const openFile = openAt >= 0 ? resolve(args[openAt + 1]) : undefined;
const count = Number(args.find((a, i) => /^\d+$/.test(a) && !(keepAt >= 0 && i === keepAt + 1) && !(openAt >= 0 && i === openAt + 1)) ?? 100_000);
const TARGET = { mb: 25, loadMs: 3000, filterMs: 200 };

let missed = 0;
/** For the rare-word search: the word and how many items hold it, beside the status that says what the page found. */
const wordsOf = (a: Action) => (a.q !== undefined && a.q === rare.word ? { word: rare.word, items_with_word: rare.items } : {});
function line(record: Record<string, unknown>, value: number, target: number) {
  const ratio = +(value / target).toFixed(3);
  if (ratio >= 1) missed++;
  // Issue 20's report targets are strict ("under 25 MB", "under 3 s", "under 200 ms"): the closing table is told so.
  process.stdout.write(`${JSON.stringify({ bench: 'report-scale', items: count, systems: 4, ...record, ratio, target: '< 1', pass: ratio < 1 })}\n`);
}

const built = performance.now();
const { run, items, textChars } = buildScaleRun(count);
const buildMs = performance.now() - built;
// Drawn from the run itself, so a rare-word search has something to find (and its count says whether it found it all).
const rare = rareWord(items);
const dir = keepDir ?? (await mkdtemp(join(tmpdir(), 'ftrag-report-scale-')));
await mkdir(dir, { recursive: true });
const file = openFile ?? join(dir, 'report.html');
const rssBefore = process.memoryUsage().rss;
const t0 = performance.now();
if (!openFile) await renderReportHtml(run, items, file);
const renderMs = performance.now() - t0;
const bytes = (await stat(file)).size;
if (openFile) process.stdout.write(`${JSON.stringify({ bench: 'report-scale', case: 'opened', file })}\n`);
else process.stdout.write(`${JSON.stringify({ bench: 'report-scale', case: 'render', items: count, systems: 4, text_mb: +(textChars / 1e6).toFixed(1), build_ms: Math.round(buildMs), render_ms: Math.round(renderMs), rss_before_mb: Math.round(rssBefore / 1e6), rss_after_mb: Math.round(process.memoryUsage().rss / 1e6) })}\n`);
line({ case: 'report.html size', mb: +(bytes / 1e6).toFixed(2), target_mb: TARGET.mb }, bytes / 1e6, TARGET.mb);

if (!existsSync(CHROMIUM)) {
  process.stdout.write(`${JSON.stringify({ bench: 'report-scale', skipped: `${CHROMIUM} is not installed: no load or filter figures` })}\n`);
  process.exitCode = 1;
} else {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const url = pathToFileURL(file).href;
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => {
      if (r.url() !== url) requests.push(r.url());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(url, { waitUntil: 'commit', timeout: 120_000 });
    const interactive = await page.waitForFunction(READY, undefined, { polling: 'raf', timeout: 120_000 }).then(
      () => null,
      (err: unknown) => String(err).split('\n')[0],
    );
    if (interactive !== null) {
      line({ case: 'load to interactive', ms: null, never_interactive: interactive, page_errors: errors.slice(0, 3), target_ms: TARGET.loadMs }, Infinity, TARGET.loadMs);
      throw new Error(`the report never became interactive: ${interactive}`);
    }
    const load = (await page.evaluate(`(async () => {
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const nav = performance.getEntriesByType('navigation')[0];
      const heap = performance.memory ? performance.memory.usedJSHeapSize : 0;
      return { ms: performance.now(), loadEvent: nav ? nav.loadEventEnd : null, heapMb: heap ? Math.round(heap / 1e6) : null };
    })()`)) as { ms: number; loadEvent: number | null; heapMb: number | null };
    const loadCpu = await rendererCpu(cdp);
    line({ case: 'load to interactive', ms: Math.round(load.ms), load_event_ms: load.loadEvent === null ? null : Math.round(load.loadEvent), js_heap_mb: load.heapMb, main_cpu_ms: Math.round(loadCpu.main * 1000), renderer_cpu_ms: Math.round(loadCpu.process * 1000), target_ms: TARGET.loadMs }, load.ms, TARGET.loadMs);
    const cases: Array<[string, Action]> = [
      ['search a common word (first search)', { q: 'the' }],
      ['search a common word (again)', { q: 'the' }],
      ['search a rare word', { q: rare.word }],
      ['search an item id', { q: `q${String(Math.floor(count * 0.77)).padStart(4, '0')}` }],
      ['clear the search', { q: '' }],
      ['category filter', { cat: 2 }],
      ['system + wrong answers only', { cat: 0, sys: 1, wrong: true }],
      ['next page', { next: true }],
      ['all filters off', { sys: 0, wrong: false }],
    ];
    for (const [name, action] of cases) {
      const r = await timeAction(page, cdp, action);
      line({ case: name, ms: Math.round(r.ms), main_cpu_ms: Math.round(r.mainCpuMs), renderer_cpu_ms: Math.round(r.rendererCpuMs), status: r.status, ...wordsOf(action), target_ms: TARGET.filterMs }, r.ms, TARGET.filterMs);
    }
    // Once the page's search index is ready: the time it says it was (a performance mark), or, for a page that builds
    // its index in the background and marks nothing, when the bench saw it done.
    const indexed = await page
      .waitForSelector('#drill-items[data-indexed="all"]', { state: 'attached', timeout: 120_000 })
      .then(
        () => page.evaluate(`({ seen: performance.now(), mark: (performance.getEntriesByName('ftrag-search-ready')[0] || {}).startTime })`) as Promise<{ seen: number; mark?: number }>,
        () => null,
      );
    process.stdout.write(`${JSON.stringify({ bench: 'report-scale', case: 'search index ready', ready_ms: indexed?.mark === undefined ? null : Math.round(indexed.mark), seen_done_ms: indexed === null ? null : Math.round(indexed.seen) })}\n`);
    for (const [name, action] of [
      ['search the rare word again (its chunks decoded)', { q: rare.word }],
      ['search a common word (index ready)', { q: 'the' }],
      ['search two words (index ready)', { q: 'the city' }],
    ] as Array<[string, Action]>) {
      const r = await timeAction(page, cdp, action);
      line({ case: name, ms: Math.round(r.ms), main_cpu_ms: Math.round(r.mainCpuMs), renderer_cpu_ms: Math.round(r.rendererCpuMs), status: r.status, ...wordsOf(action), target_ms: TARGET.filterMs }, r.ms, TARGET.filterMs);
    }
    process.stdout.write(`${JSON.stringify({ bench: 'report-scale', case: 'offline', requests: requests.length, page_errors: errors.slice(0, 3) })}\n`);
    if (requests.length || errors.length) missed++;
  } finally {
    await browser.close();
  }
}
if (!keepDir) await rm(dir, { recursive: true, force: true });
else process.stdout.write(`${JSON.stringify({ bench: 'report-scale', kept: file })}\n`);
process.exitCode = missed ? 1 : (process.exitCode ?? 0);
