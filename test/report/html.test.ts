import { beforeAll, describe, expect, it } from 'vitest';
import { categoryChart, costCrossovers, qualityChart, quantileSample } from '../../src/report/charts.js';
import { FLAG_WRONG } from '../../src/report/drilldown-data.js';
import { DRILLDOWN_SCRIPT } from '../../src/report/drilldown-script.js';
import { CSP, itemStreamOf, renderHtml } from '../../src/report/index.js';
import { loadChartEngine, vegaLiteToSvg, vegaLiteToSvgAsync } from '../../src/report/vega-svg.js';
import type { InMemoryRun } from '../fixtures/run-results/in-memory.js';
import { buildRunResult, HOSTILE } from '../fixtures/run-results/build-run-result.js';
import { readDrillData } from './drill-data.js';

// Charts render with vega, which the report loads on first use.
beforeAll(loadChartEngine);

const run = buildRunResult();
const html = await renderHtml(run, itemStreamOf(run.items));

describe('renderHtml', () => {
  it('is one self-contained file with a strict CSP and no external references', () => {
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${CSP}">`);
    expect(CSP).toContain("default-src 'none'");
    expect(html).not.toMatch(/\s(src|href)\s*=\s*["']?(https?:|\/\/)/i);
    expect(html).not.toMatch(/@import|url\(\s*["']?https?:/i);
    expect(html).not.toMatch(/<link\b/i);
  });

  it('leads with the verdict, its confidence, reasons and the emulator banner', async () => {
    const verdictAt = html.indexOf(run.recommendation!.headline);
    expect(verdictAt).toBeGreaterThan(0);
    expect(verdictAt).toBeLessThan(html.indexOf('id="scoreboard"'));
    expect(html).toContain('confidence <strong class="conf-medium">medium</strong>');
    for (const r of run.recommendation!.reasons) expect(html).toContain(r.replace(/&/g, '&amp;'));
    expect(html).toContain('Emulated run.');
    const realRun = buildRunResult({ emulated: false });
    const real = await renderHtml(realRun, itemStreamOf(realRun.items));
    expect(real).not.toContain('Emulated run.');
  });

  it('warns about small sets, failed items, estimated tokens and unverified prices', () => {
    const warn = html.slice(html.indexOf('class="warnings"'), html.indexOf('id="scoreboard"'));
    expect(warn).toMatch(/only f1 differences above about/);
    expect(warn).toContain('rag-fine-tuned: 1 of 40 items failed');
    expect(warn).toContain('estimated with the tokenizer');
    expect(warn).toContain('Unverified prices');
  });

  it('has a scoreboard row per system with intervals, latency, tokens, cost and errors', () => {
    const board = html.slice(html.indexOf('<table class="board">'), html.indexOf('</table>', html.indexOf('<table class="board">')));
    for (const s of run.systems) expect(board).toContain(`<span class="sys">${s.id}</span>`);
    expect(board.match(/<tr/g)).toHaveLength(run.systems.length + 1);
    expect(board).toContain('(primary)');
    expect(board).toMatch(/\d+\.\d%–\d+\.\d%/);
    expect(board).toContain('$0.042');
    expect(board).toContain('1 of 40');
  });

  it('renders every chart as inline SVG with a text alternative and a data table', () => {
    const figures = html.match(/<figure id="chart-[a-z]+" class="chart">[\s\S]*?<\/figure>/g) ?? [];
    expect(figures.map((f) => /id="(chart-[a-z]+)"/.exec(f)![1])).toEqual(['chart-quality', 'chart-category', 'chart-latency', 'chart-tokens', 'chart-cost', 'chart-loss']);
    for (const f of figures) {
      expect(f).toMatch(/<div class="svg" role="img" aria-label="[^"]{40,}"><svg /);
      expect(f).toMatch(/<figcaption>[^<]{40,}<\/figcaption>/);
      expect(f).toMatch(/<table><caption>/);
    }
    expect(html).toContain('base and fine-tuned at 162,500 queries/month');
  });

  it('lists comparisons with difference, CI, p, adjusted p, method and significance', () => {
    const cmp = html.slice(html.indexOf('<table class="cmp">'));
    expect(cmp).toContain('<th scope="col">p adjusted</th>');
    expect(cmp.match(/<tr class="sig">/g)).toHaveLength(run.comparisons.filter((c) => c.significant).length);
  });

  it('documents prices, workload, statistics, eval set hash, version and contamination', () => {
    const methods = html.slice(html.indexOf('id="methods"'));
    for (const s of [run.priceCatalog.id, run.priceCatalog.date, run.evalSet.sha256, 'Holm', 'McNemar', 'Wilcoxon', 'Wilson', 'bootstrap', '100,000', 'ftrag 0.1.0', run.runId, 'Contamination check'])
      expect(methods).toContain(s);
  });

  it('keeps every injected script, handler and javascript: URL inert', () => {
    const scripts = html.match(/<script\b[^>]*>/gi) ?? [];
    expect(scripts).toEqual([
      '<script type="application/json" id="ftrag-drill">',
      '<script type="application/octet-stream" id="ftrag-index">',
      '<script type="application/octet-stream" id="ftrag-words">',
      '<script type="application/octet-stream" id="ftrag-passages">',
      '<script type="application/octet-stream" class="ftrag-chunk">',
      '<script>',
    ]);
    expect(html).not.toMatch(/<img\b/i);
    expect(html).not.toMatch(/<[a-z][^>]*\son[a-z]+\s*=/i);
    expect(html).not.toMatch(/href\s*=\s*["']?\s*javascript:/i);
    expect(html).not.toContain('<script>window.__pwned');
    // The data blocks carry the hostile text only compressed (base85) or \u003c-escaped (JSON): no markup can form.
    const data = readDrillData(html);
    for (const b of data.blocks) expect(b).not.toMatch(/[<>]/);
    expect(data.items.map((it) => it[0])).toEqual(run.items.map((it) => it.id));
    expect(data.items[0][4][0]![0]).toBe(run.items[0].results.base.output);
    expect(data.items[0][4][0]![0]).toContain(HOSTILE.script);
    expect(data.passages.x.some((x) => x.includes(HOSTILE.img))).toBe(true);
  });

  it('escapes hostile ids and category names in the static sections and inside the SVG charts', async () => {
    const hostile: InMemoryRun = structuredClone(run);
    hostile.evalSet.name = HOSTILE.script;
    for (const s of hostile.systems) s.byCategory = { [HOSTILE.img]: s.byCategory.format };
    const page = await renderHtml(hostile, itemStreamOf(hostile.items));
    expect(page).not.toMatch(/<img\b/i);
    expect(page).not.toContain('<script>window.__pwned');
    expect(page).toContain('&lt;img src=x onerror=');
    expect(categoryChart(hostile)!.svg).not.toMatch(/<img\b/i);
  });

  it('the client script renders with DOM APIs only and cannot end its own element', () => {
    expect(DRILLDOWN_SCRIPT).not.toContain('</');
    expect(DRILLDOWN_SCRIPT).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
  });

  it('uses real headings in order and accessible tables and controls', () => {
    const levels = [...html.matchAll(/<h([1-6])\b/g)].map((m) => Number(m[1]));
    expect(levels[0]).toBe(1);
    for (let i = 1; i < levels.length; i++) expect(levels[i] - levels[i - 1]).toBeLessThanOrEqual(1);
    const tables = html.match(/<table\b[^>]*>[\s\S]*?<\/table>/g) ?? [];
    for (const t of tables) {
      expect(t).toMatch(/<caption>/);
      expect(t).not.toMatch(/<th(?=[\s>])(?![^>]*scope=)[^>]*>/);
    }
    for (const id of ['drill-q', 'drill-cat', 'drill-sys', 'drill-wrong']) expect(html).toContain(`<label for="${id}">`);
  });
});

describe('drill-down data', () => {
  it('the word index lists, for every word, exactly the items whose id, question, references or answers hold it', () => {
    const data = readDrillData(html);
    const texts = run.items.map((it) => [it.id, it.prompt, ...it.references, ...Object.values(it.results).map((r) => r.output)].join('\n'));
    // An oracle apart from the index's own tokenizer: the word standing alone, not inside a longer run of letters.
    const holding = (word: string) => {
      const alone = new RegExp(`(?<![\\p{L}\\p{N}])${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}\\p{N}])`, 'iu');
      return texts.flatMap((t, k) => (alone.test(t) ? [k] : []));
    };
    expect(data.words.size).toBeGreaterThan(50);
    for (const [word, items] of data.words) expect(items, word).toEqual(holding(word));
    expect(data.words.get('q0012')).toEqual([run.items.findIndex((it) => it.id === 'q0012')]);
    // The hostile text is indexed by its words, not as markup.
    expect(data.words.get('pwned')!.length).toBeGreaterThan(0);
    expect([...data.words.keys()].some((w) => /[<>]/.test(w))).toBe(false);
  });


  it('flags wrong answers by the primary metric and failures, and shares passage text', () => {
    const data = readDrillData(html);
    const sys = data.header.s.indexOf('rag-fine-tuned');
    const failed = data.items.find((it) => it[0] === 'q0006')![4][sys]!;
    expect(failed[7]).toContain('ThrottlingException');
    expect(failed[6] & FLAG_WRONG).toBe(FLAG_WRONG);
    for (const it of data.items) {
      for (const r of it[4]) {
        if (!r || r[7] !== null) continue;
        expect(Boolean(r[6] & FLAG_WRONG)).toBe((r[1][data.header.p] ?? 0) < 0.5);
      }
    }
    const passageRefs = data.items.flatMap((it) => it[4].flatMap((r) => r?.[8]?.map((c) => c[0]) ?? []));
    expect(new Set(passageRefs).size).toBeLessThan(passageRefs.length / 2);
  });
});

describe('charts', () => {
  it('the synchronous SVG renderer matches vega view.toSVG()', async () => {
    const spec = { data: { values: [{ a: 'x', b: 1 }, { a: '<y>', b: 2 }] }, mark: 'bar', encoding: { x: { field: 'a', type: 'nominal' }, y: { field: 'b', type: 'quantitative' } } } as const;
    expect(vegaLiteToSvg(spec as never)).toBe(await vegaLiteToSvgAsync(spec as never));
  });
  it('quality chart covers every system and metric', () => {
    const chart = qualityChart(run)!;
    expect(chart.table.rows).toHaveLength(run.systems.length * run.metrics.length);
    expect(chart.svg.startsWith('<svg')).toBe(true);
  });
  it('cost crossovers solve fixed + volume/1000 × per1k', () => {
    const [c] = costCrossovers(run.systems.filter((s) => s.id === 'base' || s.id === 'fine-tuned'));
    expect(c.monthlyQueries).toBeCloseTo(162_500, 0);
  });
  it('quantileSample keeps min, max and at most the cap', () => {
    const sorted = Array.from({ length: 10_001 }, (_, i) => i);
    const s = quantileSample(sorted, 2000);
    expect(s).toHaveLength(2000);
    expect(s[0]).toBe(0);
    expect(s[1999]).toBe(10_000);
  });
});
