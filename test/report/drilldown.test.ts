/**
 * The drill-down's data at scale, through the report's own modules: the filter index and the summary agree with the
 * items they came from, the size budget shortens texts (and says so) instead of growing the file, and the item stream
 * is only ever read pass by pass.
 */
import { describe, expect, it } from 'vitest';
import { capForChars, digestItems, encodeItems, FLAG_SHORTENED, IDX_PRESENT, IDX_WRONG, totalChars } from '../../src/report/drilldown-data.js';
import { itemStreamOf, renderHtml, type ItemStream } from '../../src/report/index.js';
import type { ItemResult } from '../../src/schema/run-result.js';
import { mulberry32 } from '../../src/util/random.js';
import { buildRunResult } from '../fixtures/run-results/build-run-result.js';
import { decodeChunk, readDrillData } from './drill-data.js';

const wrongOn = (r: ItemResult['results'][string] | undefined) => !!r && (r.error !== undefined || (r.scores.f1 ?? 0) < 0.5);

describe('drill-down index and summary', () => {
  const run = buildRunResult({ items: 1500, seed: 3 });

  it('the index flags every result as the items say', async () => {
    const d = await digestItems(run, itemStreamOf(run.items));
    expect(d.n).toBe(1500);
    const S = d.systems.length;
    run.items.forEach((it, k) => {
      d.systems.forEach((sid, j) => {
        const f = d.flags[k * S + j];
        expect(Boolean(f & IDX_PRESENT)).toBe(sid in it.results);
        expect(Boolean(f & IDX_WRONG)).toBe(wrongOn(it.results[sid]));
      });
    });
    expect(d.latencies.get('base')).toHaveLength(run.items.filter((it) => !it.results.base.error).length);
  });

  it('digests a stream longer than the run says, and a system the run does not list, the same way', async () => {
    // The columns are sized from run.evalSet.size: a stream with more items must grow them, losing nothing.
    const short = { ...run, evalSet: { ...run.evalSet, size: 7 } };
    const extra = run.items.map((it, k) => (k % 3 === 0 ? { ...it, results: { ...it.results, late: { ...it.results.base } } } : it));
    const d = await digestItems(short, itemStreamOf(extra));
    const full = await digestItems(run, itemStreamOf(extra));
    expect(d.n).toBe(1500);
    expect(d.systems).toEqual([...run.systems.map((s) => s.id), 'late']);
    expect(d.flags).toEqual(full.flags);
    expect(d.score).toEqual(full.score);
    expect(d.category).toEqual(full.category);
    expect([...d.latencies.get('late')!]).toEqual(extra.filter((it) => it.results.late && !it.results.late.error).map((it) => it.results.late.latencyMs));
    const S = d.systems.length;
    extra.forEach((it, k) => expect(Boolean(d.flags[k * S + S - 1] & IDX_PRESENT)).toBe('late' in it.results));
  });

  it('the summary counts agreement and flips as the items say', async () => {
    const html = await renderHtml(run, itemStreamOf(run.items));
    const glance = html.slice(html.indexOf('id="drill-summary"'), html.indexOf('id="drill-controls"'));
    const allWrong = run.items.filter((it) => Object.values(it.results).every(wrongOn)).length;
    expect(glance).toContain(`wrong on every system ${allWrong.toLocaleString('en-US')} (`);
    const flips = run.items.filter((it) => !wrongOn(it.results.rag) && wrongOn(it.results.base)).length;
    const row = /<tr><th scope="row">rag<\/th>(.*?)<\/tr>/.exec(glance.slice(glance.indexOf('Flips')))![1];
    // Columns follow the systems' order: base first.
    expect(/<td class="num">([^<]*)<\/td>/.exec(row)![1]).toBe(flips.toLocaleString('en-US'));
  });

  it('reads the items only in fresh passes of the stream', async () => {
    let passes = 0;
    const counted: ItemStream = () => {
      passes++;
      return itemStreamOf(run.items)();
    };
    const html = await renderHtml(run, counted);
    expect(passes).toBeGreaterThanOrEqual(2);
    expect(readDrillData(html).items).toHaveLength(run.items.length);
  });
});

describe('drill-down size budget', () => {
  it('capForChars finds the longest cap whose total fits', () => {
    const lengths = new Map([
      [10, 100],
      [1000, 10],
      [5000, 2],
    ]);
    expect(capForChars(lengths, Infinity)).toBe(Infinity);
    const cap = capForChars(lengths, 12_000);
    expect(totalChars(lengths, cap)).toBeLessThanOrEqual(12_000);
    expect(totalChars(lengths, cap + 1)).toBeGreaterThan(12_000);
  });

  it('shortens long texts to fit, flags them and says so on the page; short runs are untouched', async () => {
    const run = buildRunResult({ items: 150, seed: 5 });
    // Long answers of random letters: text that does not compress away, so the answers are what the budget must cut.
    const rand = mulberry32(9);
    const word = () => Array.from({ length: 3 + Math.floor(rand() * 7) }, () => String.fromCharCode(97 + Math.floor(rand() * 26))).join('');
    for (const it of run.items) for (const r of Object.values(it.results)) r.output = `${it.id} ${r.output} ${Array.from({ length: 200 }, word).join(' ')}`;
    const items = itemStreamOf(run.items);
    const d = await digestItems(run, items);
    const full = await encodeItems(run, items, d, 24_000_000);
    expect(full.textCap).toBeNull();
    const budget = Math.floor(full.bytes / 3);
    const small = await encodeItems(run, items, d, budget);
    expect(small.bytes).toBeLessThanOrEqual(budget);
    expect(small.textCap).not.toBeNull();
    const html = await renderHtml(run, items);
    expect(html).not.toContain('are shortened here');
    // The page the budget produced: every answer cut at the cap, marked, and still starting with its own text.
    const shortened = small.chunks.flatMap(decodeChunk);
    for (const [k, it] of shortened.entries()) {
      for (const r of it[4]) {
        if (!r) continue;
        expect(r[0].length).toBeLessThanOrEqual(small.textCap! + 1);
        expect(r[6] & FLAG_SHORTENED).toBe(FLAG_SHORTENED);
        expect(r[0].startsWith(run.items[k].id)).toBe(true);
      }
    }
  });
});
