/**
 * What a person cannot read item by item, from the filter index: how each system's primary scores are distributed,
 * its wrong answers per category, how often the systems agree, and the flips between every pair (right on one,
 * wrong on the other). Each table says which drill-down filter lists the items behind its numbers.
 */
import { escapeHtml as e } from './escape.js';
import { count, pct } from './format.js';
import { IDX_NONE, IDX_PRESENT, IDX_WRONG, type ItemDigest } from './drilldown-data.js';

const BINS = [
  { label: '0', test: (s: number) => s === 0 },
  { label: 'above 0, below 0.5', test: (s: number) => s > 0 && s < 5000 },
  { label: '0.5 to below 1', test: (s: number) => s >= 5000 && s < 10_000 },
  { label: '1', test: (s: number) => s === 10_000 },
];

function table(caption: string, head: string[], rows: string[][]): string {
  return `<div class="scroll"><table class="glance"><caption>${e(caption)}</caption><thead><tr>${head.map((h) => `<th scope="col">${e(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((v, i) => (i === 0 ? `<th scope="row">${e(v)}</th>` : `<td class="num">${e(v)}</td>`)).join('')}</tr>`)
    .join('')}</tbody></table></div>`;
}

const share = (k: number, n: number) => (n === 0 ? 'n/a' : `${count(k)} (${pct(k / n)})`);

export function drilldownSummaryHtml(d: ItemDigest, primaryMetric: string): string {
  const S = d.systems.length;
  if (d.n === 0 || S === 0) return '';
  const present = new Array<number>(S).fill(0);
  const wrong = new Array<number>(S).fill(0);
  const bins = d.systems.map(() => new Array<number>(BINS.length + 1).fill(0));
  const byCat = d.categories.map(() => d.systems.map(() => ({ n: 0, wrong: 0 })));
  const flips = d.systems.map(() => new Array<number>(S).fill(0));
  let allRight = 0;
  let allWrong = 0;
  let mixed = 0;
  for (let k = 0; k < d.n; k++) {
    let r = 0;
    let w = 0;
    const c = d.category[k];
    for (let j = 0; j < S; j++) {
      const f = d.flags[k * S + j];
      if (!(f & IDX_PRESENT)) continue;
      present[j]++;
      const isWrong = (f & IDX_WRONG) !== 0;
      if (isWrong) w++;
      else r++;
      if (isWrong) wrong[j]++;
      const s = d.score[k * S + j];
      const bin = s === IDX_NONE ? BINS.length : BINS.findIndex((b) => b.test(s));
      bins[j][bin]++;
      if (c !== IDX_NONE) {
        byCat[c][j].n++;
        if (isWrong) byCat[c][j].wrong++;
      }
      if (isWrong) continue;
      for (let o = 0; o < S; o++) if (o !== j && (d.flags[k * S + o] & (IDX_PRESENT | IDX_WRONG)) === (IDX_PRESENT | IDX_WRONG)) flips[j][o]++;
    }
    if (r + w === 0) continue;
    if (w === 0) allRight++;
    else if (r === 0) allWrong++;
    else mixed++;
  }
  const m = e(primaryMetric);
  const parts = [
    `<p>${e(`${count(d.n)} questions: right on every system ${share(allRight, d.n)}, wrong on every system ${share(allWrong, d.n)}, right on some and wrong on others ${share(mixed, d.n)}.`)} Choose “Wrong on every system” or “Systems disagree” under <em>Show</em> to list them; “Lowest ${m} first” under <em>Order</em> puts the worst items first.</p>`,
    table(
      `Distribution of ${primaryMetric} per answer (wrong: failed or below 0.5)`,
      ['System', 'Answers', 'Wrong', ...BINS.map((b) => `${primaryMetric} ${b.label}`), 'no score'],
      d.systems.map((s, j) => [s, count(present[j]), share(wrong[j], present[j]), ...bins[j].map((b) => share(b, present[j]))]),
    ),
  ];
  if (d.categories.length > 1) {
    parts.push(
      table(
        'Wrong answers per category (share of that system’s answers in the category)',
        ['Category', ...d.systems],
        d.categories.map((c, ci) => [c, ...d.systems.map((_, j) => share(byCat[ci][j].wrong, byCat[ci][j].n))]),
      ),
    );
  }
  if (S > 1) {
    parts.push(
      table(
        'Flips: questions the row system got right and the column system got wrong (Show → “right on A, wrong on B” lists them)',
        ['Right on ↓, wrong on →', ...d.systems],
        d.systems.map((s, j) => [s, ...d.systems.map((_, o) => (o === j ? '—' : count(flips[j][o])))]),
      ),
    );
  }
  return `<div id="drill-summary" class="glance-block"><h3>At a glance</h3>${parts.join('\n')}</div>`;
}
