/**
 * Per-item drill-down: the items as compact JSON embedded in the page (positional arrays, short keys, shared
 * string tables for retrieved passages and URIs, so 10,000 items × 4 systems stay a few MB), plus the controls.
 * The browser renders it with DOM APIs and textContent only (see drilldown-script.ts).
 */
import type { RunResult } from '../schema/run-result.js';
import { escapeHtml, jsonForScript } from './escape.js';
import { isWrong } from './findings.js';

export const PAGE_SIZE = 50;
/** Above this many characters of unique passage text, each passage is shortened so the file stays small. */
export const PASSAGE_CHAR_BUDGET = 4_000_000;
export const PASSAGE_TRUNCATE_TO = 600;

/** Flags in a compact result. */
export const FLAG_WRONG = 1;
export const FLAG_ESTIMATED = 2;

/**
 * One system's result for one item:
 * [output, scores aligned to `m`, latencyMs, firstTokenMs, inputTokens, outputTokens, flags, error, contexts, citations]
 * contexts: [[passageIndex, uriIndex or -1, score or null]]; citations: [[passageIndex, [uriIndex...]]]
 */
export type CompactResult = [
  string,
  Array<number | null>,
  number | null,
  number | null,
  number | null,
  number | null,
  number,
  string | null,
  Array<[number, number, number | null]> | null,
  Array<[number, number[]]> | null,
];

/** One item: [id, categoryIndex or -1, prompt, references, results aligned to `s` (null when the system has none)]. */
export type CompactItem = [string, number, string, string[], Array<CompactResult | null>];

export interface CompactItems {
  /** System ids. */ s: string[];
  /** Metric names. */ m: string[];
  /** Index of the primary metric in `m`, -1 when absent. */ p: number;
  /** Categories. */ c: string[];
  /** Passage texts (retrieved contexts and cited spans), de-duplicated. */ x: string[];
  /** URIs, de-duplicated. */ u: string[];
  /** True when passages were shortened to fit the size budget. */ t: boolean;
  i: CompactItem[];
}

const round4 = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? null : Math.round(x * 10_000) / 10_000);
const num = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? null : x);

class StringTable {
  readonly values: string[] = [];
  private readonly index = new Map<string, number>();
  add(value: string): number {
    let i = this.index.get(value);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(value);
      this.index.set(value, i);
    }
    return i;
  }
}

export function compactItems(run: RunResult): CompactItems {
  const systems = run.systems.map((s) => s.id);
  for (const it of run.items) for (const id of Object.keys(it.results)) if (!systems.includes(id)) systems.push(id);
  const metrics = [...run.metrics];
  const categories = [...run.evalSet.categories];
  for (const it of run.items) if (it.category !== undefined && !categories.includes(it.category)) categories.push(it.category);
  const primary = metrics.indexOf(run.primaryMetric);
  const passages = new StringTable();
  const uris = new StringTable();
  const items: CompactItem[] = run.items.map((it) => [
    it.id,
    it.category === undefined ? -1 : categories.indexOf(it.category),
    it.prompt,
    it.references,
    systems.map((sid): CompactResult | null => {
      const r = it.results[sid];
      if (!r) return null;
      const failed = r.error !== undefined;
      const flags = (isWrong(primary >= 0 ? r.scores[run.primaryMetric] : r.scores.exact, failed) ? FLAG_WRONG : 0) | (r.tokensEstimated ? FLAG_ESTIMATED : 0);
      return [
        r.output,
        metrics.map((m) => round4(r.scores[m])),
        num(r.latencyMs),
        num(r.firstTokenMs),
        num(r.inputTokens),
        num(r.outputTokens),
        flags,
        r.error ? `${r.error.code}: ${r.error.message}` : null,
        r.contexts?.length ? r.contexts.map((c) => [passages.add(c.text), c.uri === undefined ? -1 : uris.add(c.uri), round4(c.score)]) : null,
        r.citations?.length ? r.citations.map((c) => [passages.add(c.text), c.uris.map((u) => uris.add(u))]) : null,
      ];
    }),
  ]);
  const total = passages.values.reduce((n, p) => n + p.length, 0);
  const truncate = total > PASSAGE_CHAR_BUDGET;
  const x = truncate ? passages.values.map((p) => (p.length > PASSAGE_TRUNCATE_TO ? `${p.slice(0, PASSAGE_TRUNCATE_TO)}…` : p)) : passages.values;
  return { s: systems, m: metrics, p: primary, c: categories, x, u: uris.values, t: truncate, i: items };
}

/** The drill-down section body: controls (labelled), status, pagination, the item container and the data block. */
export function drilldownHtml(run: RunResult): string {
  const data = compactItems(run);
  const options = (values: string[], all: string) =>
    [`<option value="">${escapeHtml(all)}</option>`, ...values.map((v, i) => `<option value="${i}">${escapeHtml(v)}</option>`)].join('');
  return `
<p>Every question in the eval set with each system's answer, scores, latency, tokens and, for RAG, the retrieved passages and citations.
An answer counts as <em>wrong</em> when it failed or its ${escapeHtml(run.primaryMetric)} score is below 0.5. ${PAGE_SIZE} questions per page.${data.t ? ` Retrieved passages are shortened to ${PASSAGE_TRUNCATE_TO} characters to keep this file small; run.json has them in full.` : ''}</p>
<form id="drill-controls" class="controls" role="search" aria-label="Filter answers">
  <div><label for="drill-q">Search questions, references and answers</label><input id="drill-q" type="search" autocomplete="off" placeholder="e.g. q0012 or a word"></div>
  <div><label for="drill-cat">Category</label><select id="drill-cat">${options(data.c, 'All categories')}</select></div>
  <div><label for="drill-sys">System</label><select id="drill-sys">${options(data.s, 'All systems')}</select></div>
  <div class="check"><input id="drill-wrong" type="checkbox"><label for="drill-wrong">Wrong answers only</label></div>
</form>
<p id="drill-status" class="status" aria-live="polite"></p>
<nav class="pager" aria-label="Answer pages"><button type="button" id="drill-prev">Previous page</button><span id="drill-page"></span><button type="button" id="drill-next">Next page</button></nav>
<div id="drill-items"></div>
<noscript><p>Browsing answers needs JavaScript. Every answer is also in run.json.</p></noscript>
<script type="application/json" id="ftrag-items">${jsonForScript(data)}</script>`;
}
