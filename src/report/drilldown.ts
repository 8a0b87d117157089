/**
 * Per-item drill-down: every item stays reachable at any run size. The page carries a small filter index, a word
 * index for search (drilldown-words.ts) and the items' texts in compressed chunks (drilldown-data.ts); the browser
 * decodes only the chunks it shows and renders them with DOM APIs and textContent only (drilldown-script.ts). Above the controls, a summary of what a person cannot
 * read item by item (drilldown-summary.ts).
 */
import type { RunSummary } from '../schema/run-result.js';
import { CHUNK_ITEMS, PASSAGE_TRUNCATE_TO, type EncodedItems, type ItemDigest } from './drilldown-data.js';
import { drilldownSummaryHtml } from './drilldown-summary.js';
import { escapeHtml, jsonForScript } from './escape.js';
import { count } from './format.js';

export const PAGE_SIZE = 50;
/** Flip filters (right on one system, wrong on another) are offered for every ordered pair up to this many systems. */
export const FLIP_OPTIONS_MAX_SYSTEMS = 6;

/**
 * One system's result for one item, in a chunk:
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

/** One item in a chunk: [id, categoryIndex or -1, prompt, references, results aligned to `s` (null when none)]. */
export type CompactItem = [string, number, string, string[], Array<CompactResult | null>];

/** The plain JSON header of the drill-down data. */
export interface DrilldownHeader {
  /** System ids. */ s: string[];
  /** Metric names. */ m: string[];
  /** Index of the primary metric in `m`, -1 when absent. */ p: number;
  /** Categories. */ c: string[];
  /** Items. */ n: number;
  /** Items per chunk. */ k: number;
}

/** Concatenates the index arrays (scores, categories, flags: little-endian, the byte order of every browser) into one buffer. */
export function indexBytes(d: ItemDigest): Buffer {
  const score = Buffer.alloc(d.score.length * 2);
  d.score.forEach((v, i) => score.writeUInt16LE(v, i * 2));
  const category = Buffer.alloc(d.category.length * 2);
  d.category.forEach((v, i) => category.writeUInt16LE(v, i * 2));
  return Buffer.concat([score, category, Buffer.from(d.flags.buffer, d.flags.byteOffset, d.flags.byteLength)]);
}

/** The page's blocks beside the item chunks, base85 of gzip: the filter index (indexBytes) and the word index. */
export interface DrilldownBlocks {
  index: string;
  words: string;
}

export function drilldownHtml(run: RunSummary, d: ItemDigest, data: EncodedItems, blocks: DrilldownBlocks): string {
  const options = (values: string[], all: string) =>
    [`<option value="">${escapeHtml(all)}</option>`, ...values.map((v, i) => `<option value="${i}">${escapeHtml(v)}</option>`)].join('');
  const flipOptions =
    d.systems.length > 1 && d.systems.length <= FLIP_OPTIONS_MAX_SYSTEMS
      ? d.systems.flatMap((a, i) => d.systems.map((b, j) => (i === j ? '' : `<option value="flip:${i}:${j}">${escapeHtml(`Right on ${a}, wrong on ${b}`)}</option>`))).join('')
      : '';
  const header: DrilldownHeader = { s: d.systems, m: d.metrics, p: d.primary, c: d.categories, n: d.n, k: CHUNK_ITEMS };
  const primary = escapeHtml(run.primaryMetric);
  const shortened = [
    data.textCap !== null ? ` To keep this file small, questions, references and answers longer than ${count(data.textCap)} characters are shortened here (marked “shortened”; search still finds the words of the full text); run.json has them in full.` : '',
    data.passagesShortened ? ` Retrieved passages are shortened to ${PASSAGE_TRUNCATE_TO} characters to keep this file small; run.json has them in full.` : '',
  ].join('');
  return `
<p>Every question in the eval set with each system's answer, scores, latency, tokens and, for RAG, the retrieved passages and citations.
An answer counts as <em>wrong</em> when it failed or its ${primary} score is below 0.5. ${PAGE_SIZE} questions per page.
Search finds the questions whose id, question, references or answers hold every word typed (the last word may be the start of one).${shortened}</p>
${drilldownSummaryHtml(d, run.primaryMetric)}
<form id="drill-controls" class="controls" role="search" aria-label="Filter answers">
  <div><label for="drill-q">Search questions, references and answers</label><input id="drill-q" type="search" autocomplete="off" placeholder="e.g. q0012 or a word"></div>
  <div><label for="drill-cat">Category</label><select id="drill-cat">${options(d.categories, 'All categories')}</select></div>
  <div><label for="drill-sys">System</label><select id="drill-sys">${options(d.systems, 'All systems')}</select></div>
  <div><label for="drill-show">Show</label><select id="drill-show"><option value="">All questions</option><option value="all-wrong">Wrong on every system</option><option value="mixed">Systems disagree</option><option value="all-right">Right on every system</option>${flipOptions}</select></div>
  <div><label for="drill-order">Order</label><select id="drill-order"><option value="">Eval-set order</option><option value="worst">Lowest ${primary} first</option><option value="spread">Largest disagreement first</option></select></div>
  <div class="check"><input id="drill-wrong" type="checkbox"><label for="drill-wrong">Wrong answers only</label></div>
</form>
<p id="drill-status" class="status" aria-live="polite">Loading answers…</p>
<nav class="pager" aria-label="Answer pages"><button type="button" id="drill-prev">Previous page</button><span id="drill-page"></span><button type="button" id="drill-next">Next page</button></nav>
<div id="drill-items" data-state="busy"></div>
<noscript><p>Browsing answers needs JavaScript. Every answer is also in run.json.</p></noscript>
<script type="application/json" id="ftrag-drill">${jsonForScript(header)}</script>
<script type="application/octet-stream" id="ftrag-index">${blocks.index}</script>
<script type="application/octet-stream" id="ftrag-words">${blocks.words}</script>
<script type="application/octet-stream" id="ftrag-passages">${data.passages}</script>
${data.chunks.map((c) => `<script type="application/octet-stream" class="ftrag-chunk">${c}</script>`).join('\n')}`;
}
